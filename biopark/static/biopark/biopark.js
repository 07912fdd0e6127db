// Small page behaviours that need no framework. htmx does the partial page updates.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable th[data-col]").forEach((th) => {
    th.addEventListener("click", () => {
      const table = th.closest("table");
      const body = table.tBodies[0];
      const col = Number(th.dataset.col);
      const asc = th.dataset.dir !== "asc";
      th.dataset.dir = asc ? "asc" : "desc";
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = a.cells[col].dataset.v ?? a.cells[col].textContent.trim();
        const y = b.cells[col].dataset.v ?? b.cells[col].textContent.trim();
        const nx = Number(x), ny = Number(y);
        const cmp = !isNaN(nx) && !isNaN(ny) && x !== "" && y !== "" ? nx - ny : x.localeCompare(y, "zh");
        return asc ? cmp : -cmp;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
});
