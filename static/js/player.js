/* The episode player: enhances the plain <audio> element, the chapter list and the transcript.
 * Without this script the page still has all three, as an audio element and two lists.
 * No inline code anywhere (the site's CSP is script-src 'self'); texts come from data attributes.
 */
(function () {
  "use strict";

  var RATES = [1, 1.25, 1.5, 1.75, 2, 0.75];

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function fragmentTime(hash) {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(hash || "");
    return match ? parseFloat(match[1]) : null;
  }

  function Player(section) {
    var audio = section.querySelector("audio");
    var controls = section.querySelector("[data-controls]");
    var play = controls.querySelector('[data-action="play"]');
    var seek = controls.querySelector("[data-seek]");
    var current = controls.querySelector("[data-current]");
    var total = controls.querySelector("[data-total]");
    var rate = controls.querySelector('[data-action="rate"]');
    var duration = parseFloat(section.getAttribute("data-duration")) || 0;
    var listeners = [];
    var dragging = false;

    audio.removeAttribute("controls");
    audio.hidden = true;
    controls.hidden = false;

    function length() {
      return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : duration;
    }

    function render() {
      var now = audio.currentTime || 0;
      current.textContent = clock(now);
      total.textContent = length() ? clock(length()) : total.textContent;
      if (!dragging) seek.value = Math.floor(now);
      seek.max = Math.floor(length()) || seek.max;
      seek.setAttribute(
        "aria-valuetext",
        seek.getAttribute("data-valuetext").replace("%(current)s", clock(now)).replace("%(total)s", clock(length()))
      );
      listeners.forEach(function (listener) {
        listener(now);
      });
    }

    function renderPlaying() {
      var playing = !audio.paused;
      play.setAttribute("aria-label", play.getAttribute(playing ? "data-label-pause" : "data-label-play"));
      play.querySelector(".player__icon").textContent = playing ? "❚❚" : "▶";
      section.classList.toggle("is-playing", playing);
    }

    function seekTo(seconds, andPlay) {
      audio.currentTime = Math.max(0, Math.min(seconds, length() || seconds));
      render();
      if (andPlay) audio.play().catch(function () {});
    }

    play.addEventListener("click", function () {
      if (audio.paused) audio.play().catch(function () {});
      else audio.pause();
    });
    controls.querySelector('[data-action="back"]').addEventListener("click", function () {
      seekTo(audio.currentTime - 15, false);
    });
    controls.querySelector('[data-action="forward"]').addEventListener("click", function () {
      seekTo(audio.currentTime + 30, false);
    });
    rate.addEventListener("click", function () {
      var next = RATES[(RATES.indexOf(audio.playbackRate) + 1) % RATES.length] || 1;
      audio.playbackRate = next;
      rate.querySelector("[data-rate]").textContent = next + "×";
    });
    seek.addEventListener("input", function () {
      dragging = true;
      current.textContent = clock(seek.value);
    });
    seek.addEventListener("change", function () {
      dragging = false;
      seekTo(parseFloat(seek.value), false);
    });
    ["timeupdate", "loadedmetadata", "durationchange", "seeked"].forEach(function (name) {
      audio.addEventListener(name, render);
    });
    ["play", "pause", "ended"].forEach(function (name) {
      audio.addEventListener(name, renderPlaying);
    });
    render();

    return {
      seekTo: seekTo,
      onTime: function (listener) {
        listeners.push(listener);
        listener(audio.currentTime || 0);
      },
    };
  }

  function bindSeekLinks(root, player) {
    root.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#t="]');
      if (!link || !root.contains(link)) return;
      var seconds = fragmentTime(link.getAttribute("href"));
      if (seconds === null) return;
      event.preventDefault();
      if (window.history && history.replaceState) history.replaceState(null, "", link.getAttribute("href"));
      player.seekTo(seconds, true);
    });
  }

  function markCurrent(items, startOf, now) {
    var found = null;
    items.forEach(function (item) {
      var start = startOf(item);
      if (start !== null && start <= now + 0.25) found = item;
    });
    items.forEach(function (item) {
      var isCurrent = item === found;
      item.classList.toggle("is-current", isCurrent);
      if (isCurrent) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
    return found;
  }

  function Chapters(list, player) {
    var items = Array.prototype.slice.call(list.querySelectorAll(".chapter"));
    bindSeekLinks(list, player);
    player.onTime(function (now) {
      markCurrent(items, function (item) {
        return parseFloat(item.getAttribute("data-start"));
      }, now);
    });
  }

  function highlight(span, original, needle) {
    span.textContent = "";
    if (!needle) {
      span.textContent = original;
      return;
    }
    var lower = original.toLowerCase();
    var at = 0;
    var index;
    while ((index = lower.indexOf(needle, at)) !== -1) {
      span.appendChild(document.createTextNode(original.slice(at, index)));
      var mark = document.createElement("mark");
      mark.textContent = original.slice(index, index + needle.length);
      span.appendChild(mark);
      at = index + needle.length;
    }
    span.appendChild(document.createTextNode(original.slice(at)));
  }

  function Transcript(section, player) {
    var list = section.querySelector("[data-cues]");
    var tools = section.querySelector("[data-transcript-tools]");
    var search = section.querySelector("[data-transcript-search]");
    var count = section.querySelector("[data-transcript-count]");
    var follow = section.querySelector("[data-transcript-follow]");
    var cues = Array.prototype.slice.call(list.querySelectorAll(".cue"));
    var texts = cues.map(function (cue) {
      return cue.querySelector(".cue__text").textContent;
    });
    var lastCurrent = null;
    tools.hidden = false;
    section.classList.add("is-enhanced");

    if (player) {
      bindSeekLinks(list, player);
      player.onTime(function (now) {
        var found = markCurrent(cues, function (cue) {
          var start = cue.getAttribute("data-start");
          return start === null ? null : parseFloat(start);
        }, now);
        if (found && found !== lastCurrent && follow && follow.checked && !search.value) {
          list.scrollTop = found.offsetTop - list.offsetTop - list.clientHeight / 3;
        }
        lastCurrent = found;
      });
    }

    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      var matches = 0;
      cues.forEach(function (cue, index) {
        var hit = !needle || texts[index].toLowerCase().indexOf(needle) !== -1 ||
          (cue.querySelector(".cue__speaker") || { textContent: "" }).textContent.toLowerCase().indexOf(needle) !== -1;
        cue.hidden = !hit;
        if (hit && needle) matches += 1;
        highlight(cue.querySelector(".cue__text"), texts[index], hit ? needle : "");
      });
      if (!needle) count.textContent = "";
      else if (matches === 0) count.textContent = count.getAttribute("data-none");
      else if (matches === 1) count.textContent = count.getAttribute("data-one");
      else count.textContent = count.getAttribute("data-some").replace("%(count)s", matches);
    });
  }

  function CopyButton(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          field.select();
        });
      } else {
        field.select();
        try {
          document.execCommand("copy");
          done();
        } catch (error) {
          /* the text stays selected for the visitor to copy */
        }
      }
    });
  }

  function start() {
    var section = document.querySelector("[data-player]");
    var player = section ? Player(section) : null;
    var chapters = document.querySelector("[data-chapters]");
    if (player && chapters) Chapters(chapters, player);
    var transcript = document.querySelector("[data-transcript]");
    if (transcript) Transcript(transcript, player);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), CopyButton);
    if (player) {
      var jump = function () {
        var seconds = fragmentTime(location.hash);
        if (seconds !== null) player.seekTo(seconds, false);
      };
      jump();
      window.addEventListener("hashchange", jump);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
