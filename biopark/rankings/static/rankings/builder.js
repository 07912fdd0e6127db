// The framework builder's hierarchy by dragging: a row dropped on an aggregate's row takes that aggregate as
// its parent (its parent picker is set, so the form posts the same fields as without JavaScript). Rows are
// kept in tree order and indented by depth; the parent pickers stay the keyboard way to do the same.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("builder-nodes");
  if (!table) return;
  const body = table.tBodies[0];
  const status = document.getElementById("drag-status");
  const rows = () => Array.from(body.rows).filter((r) => r.dataset.code);
  const picker = (row) => row.querySelector("select[name$='-parent']");
  const parentOf = (row) => (picker(row) ? picker(row).value : "");
  const byCode = () => new Map(rows().map((r) => [r.dataset.code, r]));

  // Whether ``code`` is ``ancestor`` or lies below it (a node may not move under its own descendant).
  const within = (code, ancestor) => {
    const map = byCode();
    for (let seen = 0, at = code; at && seen <= map.size; seen++) {
      if (at === ancestor) return true;
      const row = map.get(at);
      at = row ? parentOf(row) : "";
    }
    return false;
  };

  const layout = () => {
    const map = byCode();
    const children = new Map();
    rows().forEach((r) => {
      const parent = map.has(parentOf(r)) ? parentOf(r) : "";
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(r);
    });
    const placed = new Set();
    const visit = (row, depth) => {
      if (placed.has(row)) return;
      placed.add(row);
      row.dataset.depth = String(depth);
      row.cells[0].style.paddingLeft = `${0.5 + depth * 1.5}rem`;
      body.append(row);
      (children.get(row.dataset.code) || []).forEach((child) => visit(child, depth + 1));
    };
    (children.get("") || []).forEach((r) => visit(r, 0));
    rows().forEach((r) => visit(r, 0)); // rows in a cycle of parents stay visible (the server names it)
  };

  let dragged = null;
  const clearTargets = () => body.querySelectorAll(".drop-target").forEach((r) => r.classList.remove("drop-target"));
  const accepts = (target) => dragged && target && target.dataset.type === "Aggregate"
    && !within(target.dataset.code, dragged.dataset.code);

  rows().forEach((row) => {
    row.draggable = true;
    row.classList.add("draggable");
    const handle = document.createElement("span");
    handle.className = "drag-handle";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿ ";
    row.cells[0].prepend(handle);
    row.addEventListener("dragstart", (event) => {
      dragged = row;
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.code);
    });
    row.addEventListener("dragend", () => {
      row.classList.remove("dragging");
      dragged = null;
      clearTargets();
    });
    row.addEventListener("dragover", (event) => {
      if (!accepts(row)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      clearTargets();
      row.classList.add("drop-target");
    });
    row.addEventListener("dragleave", () => row.classList.remove("drop-target"));
    row.addEventListener("drop", (event) => {
      if (!accepts(row)) return;
      event.preventDefault();
      const moved = dragged;
      const select = picker(moved);
      if (select && Array.from(select.options).some((o) => o.value === row.dataset.code)) {
        select.value = row.dataset.code;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        if (status) {
          status.textContent = (status.dataset.template || "")
            .replace("{node}", moved.dataset.label || moved.dataset.code)
            .replace("{parent}", row.dataset.label || row.dataset.code);
        }
      }
      clearTargets();
    });
  });
  body.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-parent']")) layout();
  });
  table.classList.add("tree-enabled");
  layout();
});
