/* Behaviour every page shares. It lives here, not in on*= attributes, because the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Choosing a language applies it at once; without JavaScript the form's button does.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    labelCardCells(document);
  });
  // htmx swaps in rows (paging, sorting) after the page has loaded.
  document.addEventListener("htmx:afterSwap", function (event) { labelCardCells(event.target); });

  // A table of class "cards" becomes one card per row on a phone (app.css); each cell
  // then shows its column's name from data-label. Templates may set data-label; cells
  // without one take the text of their column's header, so any list table qualifies.
  function labelCardCells(root) {
    var tables = root.matches && root.matches("table.cards") ? [root] : root.querySelectorAll("table.cards");
    Array.prototype.forEach.call(tables, function (table) {
      var headers = table.querySelectorAll("thead tr:last-child th");
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var header = headers[column];
          if (!cell.hasAttribute("data-label") && header && cell.colSpan === 1) {
            cell.setAttribute("data-label", header.textContent.trim());
          }
          column += cell.colSpan;
        });
      });
    });
  }
})();
