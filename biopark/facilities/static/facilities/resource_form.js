// The resource form's alias tags: Enter or a comma in the "add" box turns the typed name into a chip (a ticked
// checkbox, as the page renders saved aliases); without JavaScript the box is sent as it is and split on save.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("f-alias_new");
  const chips = document.getElementById("alias-chips");
  if (!box || !chips) return;
  const add = () => {
    box.value.split(/[,;，；、]/).map((s) => s.trim()).filter(Boolean).forEach((name) => {
      const exists = Array.from(chips.querySelectorAll("input[name=alias]")).some((i) => i.value === name);
      if (exists) return;
      chips.querySelectorAll(".muted").forEach((el) => el.remove());
      const label = document.createElement("label");
      label.className = "chip";
      const input = document.createElement("input");
      Object.assign(input, { type: "checkbox", name: "alias", value: name, checked: true });
      label.append(input, name);
      chips.append(label);
    });
    box.value = "";
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      add();
    }
  });
});
