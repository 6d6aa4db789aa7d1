// Opened from a file (file://), a browser runs no module and fetches no data: the atlas's
// charts and search need a web server. Say so, in the page's language (#needs-server, written
// in the HTML), instead of failing. A classic script, since a module would not run either.
(() => {
  "use strict";
  if (location.protocol !== "file:") return;
  for (const note of document.querySelectorAll("#needs-server")) note.hidden = false;
})();
