// KTGS picker (ktgs/orgs/pickers.py): the suggestions htmx puts under a [data-picker] field
// become an ARIA combobox. Arrows move, Enter chooses, Escape closes; the count is read out.
// Without this file the field is a plain text field that the server reads on submit.
(function () {
  "use strict";

  function parts(el) {
    var box = el.closest("[data-picker]");
    if (!box) return null;
    return {
      box: box,
      input: box.querySelector("input[role=combobox]"),
      list: box.querySelector("[role=listbox]"),
      status: box.querySelector("[data-picker-status]"),
    };
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, index) {
    var opts = options(p);
    opts.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === index ? "true" : "false");
      o.classList.toggle("is-active", i === index);
    });
    if (index >= 0 && opts[index]) {
      p.input.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex(p) {
    var id = p.input.getAttribute("aria-activedescendant");
    return options(p).findIndex(function (o) { return o.id === id; });
  }

  function chip(p, text) {
    var chosen = p.box.querySelector("[data-picker-chosen]");
    var boxes = chosen.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === text) { boxes[i].checked = true; return; }
    }
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    label.className = "chip";
    box.type = "checkbox";
    box.name = p.box.getAttribute("data-many");
    box.value = text;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + text));
    li.appendChild(label);
    chosen.appendChild(li);
  }

  function choose(p, option) {
    var text = option.getAttribute("data-value");
    if (p.box.hasAttribute("data-many")) {
      chip(p, text);
      p.input.value = "";
      p.status.textContent = "Đã thêm " + text + ".";
    } else {
      p.input.value = text;
      p.status.textContent = "Đã chọn " + text + ".";
      var other = p.box.querySelector("[data-picker-other]");
      if (other) other.checked = true;
    }
    close(p);
    p.input.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(event.detail.target);
    if (!p || event.detail.target !== p.list) return;
    var n = options(p).length;
    var shown = p.list.children.length > 0;
    p.list.hidden = !shown;
    p.input.setAttribute("aria-expanded", shown ? "true" : "false");
    activate(p, -1);
    if (n) {
      p.status.textContent = n + " gợi ý; dùng phím mũi tên để chọn, Enter để lấy.";
    } else {
      p.status.textContent = shown ? p.list.textContent.trim() : "";
    }
  });

  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (!t.matches || !t.matches("[data-picker] input[role=combobox]")) return;
    var p = parts(t);
    var opts = options(p);
    var open = !p.list.hidden;
    var i = activeIndex(p);
    if (event.key === "ArrowDown" && opts.length) {
      event.preventDefault();
      p.list.hidden = false;
      p.input.setAttribute("aria-expanded", "true");
      activate(p, open ? Math.min(i + 1, opts.length - 1) : 0);
    } else if (event.key === "ArrowUp" && open && opts.length) {
      event.preventDefault();
      activate(p, Math.max(i - 1, 0));
    } else if (event.key === "Enter" && open) {
      if (i >= 0) {
        event.preventDefault();  // choose, do not submit the form
        choose(p, opts[i]);
      } else if (opts.length === 1) {
        event.preventDefault();
        choose(p, opts[0]);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(p);
    }
  });

  document.addEventListener("input", function (event) {
    var t = event.target;
    if (!t.matches || !t.matches("[data-picker] input[role=combobox]")) return;
    var other = parts(t).box.querySelector("[data-picker-other]");
    if (other && t.value.trim()) other.checked = true;  // typing means "another body"
  });

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (!t.matches || !t.matches("[data-picker-own]") || t.hasAttribute("data-picker-other")) return;
    var p = parts(t);
    p.input.value = "";  // an own body chosen: the text box is not read
    close(p);
  });

  // mousedown, not click: it comes before the field loses focus
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker] [role=option]");
    if (!option) return;
    event.preventDefault();
    choose(parts(option), option);
  });

  document.addEventListener("focusout", function (event) {
    var t = event.target;
    if (!t.matches || !t.matches("[data-picker] input[role=combobox]")) return;
    var p = parts(t);
    window.setTimeout(function () {
      if (document.activeElement !== p.input) close(p);
    }, 150);
  });
})();
