// The editor's "Browse Server" window: an "Embed Image" button sends its URL back to CKEditor.
(function () {
  "use strict";
  var funcNum = new URLSearchParams(window.location.search).get("CKEditorFuncNum");
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.embed");
    if (!button || !funcNum || !window.opener || !window.opener.CKEDITOR) {
      return;
    }
    window.opener.CKEDITOR.tools.callFunction(funcNum, button.getAttribute("data-url"));
    window.close();
  });
})();
