/* engage.js - progressive enhancement for the article rating form: send
 * the rating with fetch (Accept: application/json) and update
 * "lượt đánh giá: N, trung bình: 4,5" without reloading the page.  Without
 * this script the form posts normally and the server redirects back to
 * the article (#danh-gia) with a notice.  Served from /static (the
 * Content-Security-Policy allows only same-origin scripts, no inline). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-rating-form]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var summary = document.getElementById("rating-summary");
  var status = form.querySelector("[data-rating-status]");
  var button = form.querySelector("button[type=submit]");

  function say(text) {
    if (status) status.textContent = text;
  }

  form.addEventListener("submit", function (ev) {
    var chosen = form.querySelector("input[name=sao]:checked");
    if (!chosen) return;               /* let the browser explain "required" */
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (button) button.disabled = true;
    say("Đang gửi đánh giá…");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      if (!r.ok) {
        say(r.data && r.data.error ? r.data.error : "Không gửi được đánh giá. Vui lòng thử lại.");
        return;
      }
      if (summary && r.data.text) summary.textContent = r.data.text;
      say(r.data.message || "Cảm ơn bạn đã đánh giá.");
    }).catch(function () {
      /* Network trouble or an unexpected reply: fall back to a normal post. */
      form.submit();
    }).then(function () {
      if (button) button.disabled = false;
    });
  });
})();
