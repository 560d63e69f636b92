/* Uploads an episode's audio as soon as it is chosen, with a progress bar.
   The file goes to the app (or, with object storage, straight to the bucket with a presigned
   POST); the form then carries only the upload's token, so a form error never drops the file. */
(function () {
  "use strict";

  function init(box) {
    var input = box.querySelector("input[type=file]");
    var configNode = document.getElementById(input.id + "-config");
    if (!input || !configNode) return;
    var config = JSON.parse(configNode.textContent);
    var form = input.form;
    var token = form.querySelector("input[name=staged_audio]");
    var progress = box.querySelector(".audio-progress");
    var status = box.querySelector(".audio-status");

    function say(text, kind) {
      status.textContent = text;
      status.className = "audio-status" + (kind ? " audio-status-" + kind : "");
    }
    function showId() {
      var select = document.getElementById("id_show");
      return select ? select.value : "";
    }
    function csrfToken() {
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }
    function busy(on) {
      form.querySelectorAll("input[type=submit], button[type=submit]").forEach(function (button) {
        button.disabled = on;
      });
    }
    function post(url, body, sameOrigin, onProgress) {
      return new Promise(function (resolve, reject) {
        var request = new XMLHttpRequest();
        request.open("POST", url);
        if (sameOrigin) request.setRequestHeader("X-CSRFToken", csrfToken());
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
        });
        request.addEventListener("load", function () {
          var answer = {};
          try { answer = JSON.parse(request.responseText || "{}"); } catch (error) { answer = {}; }
          if (request.status >= 200 && request.status < 300) resolve(answer);
          else reject(new Error(answer.error || "The upload failed (" + request.status + "). Try again."));
        });
        request.addEventListener("error", function () {
          reject(new Error("The connection was lost during the upload. Try again."));
        });
        request.send(body);
      });
    }
    function withShow(url) {
      return url + "?show=" + encodeURIComponent(showId());
    }
    function onProgress(fraction) {
      progress.value = Math.round(fraction * 100);
      say("Uploading … " + progress.value + " %");
    }
    function throughApp(file) {
      var body = new FormData();
      body.append("file", file);
      return post(withShow(config.uploadUrl), body, true, onProgress);
    }
    function direct(file) {
      var start = new FormData();
      start.append("name", file.name);
      start.append("size", String(file.size));
      return post(withShow(config.startUrl), start, true).then(function (answer) {
        var body = new FormData();
        Object.keys(answer.post.fields).forEach(function (key) {
          body.append(key, answer.post.fields[key]);
        });
        body.append("file", file);
        return post(answer.post.url, body, false, onProgress).then(function () {
          var done = new FormData();
          done.append("key", answer.key);
          done.append("name", file.name);
          return post(withShow(config.completeUrl), done, true);
        });
      });
    }

    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      if (!showId()) {
        input.value = "";
        say("Choose the show first: the audio is stored with it.", "error");
        return;
      }
      if (file.size > config.maxBytes) {
        input.value = "";
        say("This file is larger than " + config.maxDisplay + ", the largest accepted.", "error");
        return;
      }
      progress.hidden = false;
      progress.value = 0;
      busy(true);
      (config.direct ? direct(file) : throughApp(file)).then(function (answer) {
        token.value = answer.token;
        input.value = "";  // the file is uploaded: the form posts only its token
        progress.value = 100;
        say("Uploaded: " + answer.description + ". Save the episode to use it.", "done");
      }).catch(function (error) {
        input.value = "";
        progress.hidden = true;
        say(error.message, "error");
      }).then(function () { busy(false); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-audio-upload]").forEach(init);
  });
})();
