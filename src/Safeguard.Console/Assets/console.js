// SPDX-License-Identifier: Apache-2.0
// Safeguard review console: reveal/blur of evidence and keyboard shortcuts. No dependencies.
(function () {
  "use strict";
  var evidence = document.getElementById("evidence");
  var revealButton = document.getElementById("reveal");
  var colourButton = document.getElementById("colour");
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function veil() {
    if (!evidence) return;
    evidence.classList.add("veiled");
    evidence.classList.remove("revealed", "colour");
    if (revealButton) { revealButton.setAttribute("aria-pressed", "false"); revealButton.textContent = "Reveal image (v)"; }
    if (colourButton) { colourButton.setAttribute("aria-pressed", "false"); colourButton.disabled = true; }
  }

  function reveal() {
    if (!evidence) return;
    evidence.classList.remove("veiled");
    evidence.classList.add("revealed");
    if (revealButton) { revealButton.setAttribute("aria-pressed", "true"); revealButton.textContent = "Hide image (v)"; }
    if (colourButton) colourButton.disabled = false;
    // Recorded in the case history; the image is shown whatever the answer.
    if (csrf) {
      fetch("/console/cases/" + evidence.dataset.caseId + "/reveal", { method: "POST", headers: { "X-CSRF-Token": csrf.content }, credentials: "same-origin" }).catch(function () {});
    }
  }

  function toggleReveal() { if (!evidence) return; if (evidence.classList.contains("revealed")) veil(); else reveal(); }

  function toggleColour() {
    if (!evidence || !evidence.classList.contains("revealed")) return;
    var on = evidence.classList.toggle("colour");
    if (colourButton) colourButton.setAttribute("aria-pressed", on ? "true" : "false");
  }

  if (evidence) {
    evidence.dataset.caseId = evidence.getAttribute("data-case");
    veil();
    if (revealButton) revealButton.addEventListener("click", toggleReveal);
    if (colourButton) colourButton.addEventListener("click", toggleColour);
    // Leaving the window, the tab or the page blurs the image again.
    window.addEventListener("blur", veil);
    window.addEventListener("pagehide", veil);
    window.addEventListener("beforeunload", veil);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState !== "visible") veil(); });
  }

  var dialog = document.getElementById("shortcuts");
  var showShortcuts = document.getElementById("show-shortcuts");
  function openHelp() { if (dialog && !dialog.open) dialog.showModal(); }
  if (showShortcuts) showShortcuts.addEventListener("click", openHelp);

  function submit(id) { var f = document.getElementById(id); if (f) { if (f.requestSubmit) f.requestSubmit(); else f.submit(); } }

  function choose(decision) {
    var radio = document.getElementById("decision-" + decision);
    var reason = document.getElementById("reason");
    if (!radio) return;
    radio.checked = true;
    if (reason) reason.focus();
  }

  var rows = Array.prototype.slice.call(document.querySelectorAll("table.cases tbody tr[data-case]"));
  var current = -1;
  function move(step) {
    if (rows.length === 0) return;
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, current + step));
    rows[current].classList.add("current");
    var link = rows[current].querySelector("a.case-link");
    if (link) link.focus();
  }

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      if (document.getElementById("decide-form")) { e.preventDefault(); submit("decide-form"); }
      return;
    }
    if (e.key === "Escape") {
      veil();
      if (typing) t.blur();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    var handled = true;
    switch (e.key) {
      case "?": openHelp(); break;
      case "q": window.location.href = "/console/queue"; break;
      case "n": if (document.getElementById("claim-next")) submit("claim-next"); else handled = false; break;
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": submit("claim-form"); break;
      case "r": submit("release-form"); break;
      case "v": toggleReveal(); break;
      case "g": toggleColour(); break;
      case "c": choose("confirm"); break;
      case "x": choose("clear"); break;
      case "e": choose("escalate"); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });
})();
