// peacegraph pages: search, and sorting, filters and paging of lists, in place. Plain JavaScript,
// nothing fetched from elsewhere; works from a server and from disk (file://). Every page reads
// without it: lists are whole tables, folded lists open with <details>.
(function () {
  "use strict";

  var body = document.body;

  // --- small helpers -------------------------------------------------------------------------------

  function fold(text) {
    return (text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[‘’'`´]/g, "")
      .replace(/&/g, " and ")
      .replace(/[^a-z0-9\u0600-\u06ff]+/g, " ")
      .trim();
  }

  function words(text) {
    return fold(text).split(" ").filter(Boolean);
  }

  function hasAll(haystack, needles) {
    for (var i = 0; i < needles.length; i++) {
      if (haystack.indexOf(needles[i]) < 0) return false;
    }
    return true;
  }

  function initials(text) {
    return words(text)
      .filter(function (w) { return ["of", "the", "and", "for", "in", "on", "to"].indexOf(w) < 0; })
      .map(function (w) { return w[0]; })
      .join("");
  }

  // --- open what a link points into ------------------------------------------------------------------

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target) target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);

  // --- search ---------------------------------------------------------------------------------------

  var indexLoading = null;

  function loadIndex(done) {
    if (window.peacegraphSearch) return done(window.peacegraphSearch);
    if (!indexLoading) {
      indexLoading = [];
      var script = document.createElement("script");
      script.src = body.getAttribute("data-search-index");
      script.onload = function () {
        var waiting = indexLoading;
        indexLoading = null;
        waiting.forEach(function (callback) { callback(window.peacegraphSearch); });
      };
      document.head.appendChild(script);
    }
    indexLoading.push(done);
  }

  // The URL of an identifier's page, from the search page (static sites add ".html").
  function pageUrl(path) {
    var index = body.getAttribute("data-search-index");
    var root = index.slice(0, index.length - "search-index.js".length);
    return root + path + (index.charAt(0) === "/" ? "" : ".html");
  }

  // every needle starts a word of the text ("EU" finds "EU Council", not "neutral")
  function startsWords(text, needles) {
    var have = " " + text;
    return needles.every(function (needle) { return have.indexOf(" " + needle) >= 0; });
  }

  // one letter more, less or other (Levenshtein distance 1)
  function oneEditApart(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // every needle is a word of the text, or one letter away from one (words of four letters or more)
  function nearly(text, needles) {
    var have = text.split(" ");
    return needles.every(function (needle) {
      return have.some(function (word) {
        return word.indexOf(needle) === 0 || (needle.length >= 4 && oneEditApart(needle, word.slice(0, needle.length + 1)) ||
          needle.length >= 4 && oneEditApart(needle, word));
      });
    });
  }

  var TYPO = 40;  // the score of a name one letter off what was typed

  function score(entry, needles, query) {
    var name = fold(entry[1]);
    var names = [name].concat(entry[2].map(fold));
    var best = 0;
    names.forEach(function (n) {
      if (n === query) best = Math.max(best, 100);
      else if (n.indexOf(query) === 0) best = Math.max(best, 80);
      else if (startsWords(n, needles)) best = Math.max(best, 60);
    });
    if (!best && needles.length === 1 && needles[0].length >= 2) {
      var all = [entry[1]].concat(entry[2]);
      for (var i = 0; i < all.length; i++) {
        if (initials(all[i]) === needles[0]) best = 50;
      }
    }
    if (!best && names.some(function (n) { return nearly(n, needles); })) best = TYPO;
    if (!best && entry[5] && startsWords(fold(entry[5]), needles)) best = 20;
    return best;
  }

  function search(index, text) {
    var needles = words(text);
    var query = needles.join(" ");
    if (!needles.length) return [];
    var found = [];
    index.entries.forEach(function (entry) {
      var s = score(entry, needles, query);
      if (s) found.push([s, entry]);
    });
    // a name one letter off is a guess: only when no name matched as typed
    if (found.some(function (pair) { return pair[0] >= 50; })) {
      found = found.filter(function (pair) { return pair[0] !== TYPO; });
    }
    found.sort(function (a, b) {
      return b[0] - a[0] || a[1][1].localeCompare(b[1][1]);
    });
    return found;
  }

  function why(entry, needles) {
    var other = entry[2].filter(function (n) { return startsWords(fold(n), needles); })[0];
    if (other && !startsWords(fold(entry[1]), needles)) return "also known as " + other;
    if (entry[5] && !nearly(fold(entry[1]), needles) && startsWords(fold(entry[5]), needles)) return "“" + entry[5] + "”";
    return "";
  }

  // suggestions under the search box as you type: the names of the best matches
  function suggest(box) {
    var list = document.getElementById(box.getAttribute("list"));
    if (!list) return;
    box.addEventListener("input", function () {
      if (words(box.value).length === 0 || box.value.length < 2) { list.textContent = ""; return; }
      loadIndex(function (index) {
        list.textContent = "";
        var seen = {};
        search(index, box.value).slice(0, 30).forEach(function (pair) {
          var name = pair[1][1];
          if (seen[name] || Object.keys(seen).length >= 8) return;
          seen[name] = true;
          var option = document.createElement("option");
          option.value = name;
          option.label = pair[1][3];
          list.appendChild(option);
        });
      });
    });
  }

  function searchPage() {
    var results = document.getElementById("search-results");
    if (!results) return;
    var input = document.getElementById("search-q");
    var status = document.getElementById("search-status");
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    document.getElementById("site-search").value = input.value;

    function show() {
      loadIndex(function (index) {
        var text = input.value;
        var found = search(index, text);
        results.textContent = "";
        var lists = {};
        found.slice(0, 100).forEach(function (pair) {
          var entry = pair[1];
          var group = entry[0].split("/")[1];
          if (!lists[group]) {  // results grouped by kind, the group of the best result first
            var count = found.slice(0, 100).filter(function (p) { return p[1][0].split("/")[1] === group; }).length;
            var heading = document.createElement("h2");
            heading.textContent = ((index.kinds || {})[group] || group) + " (" + count + ")";
            lists[group] = document.createElement("ol");
            lists[group].className = "results";
            results.appendChild(heading);
            results.appendChild(lists[group]);
          }
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = pageUrl(entry[0]);
          link.textContent = entry[1];
          item.appendChild(link);
          var kind = document.createElement("span");
          kind.className = "note";
          kind.textContent = " " + entry[3] + (entry[4] ? ", " + entry[4] : "");
          item.appendChild(kind);
          var reason = why(entry, words(text));
          if (reason) {
            var note = document.createElement("span");
            note.className = "why";
            note.textContent = reason;
            item.appendChild(note);
          }
          lists[group].appendChild(item);
        });
        if (!words(text).length) status.textContent = "Type a name, part of a name, an acronym or a few words of a quote.";
        else if (!found.length) status.textContent = "Nothing found for “" + text + "”.";
        else status.textContent = found.length + (found.length === 1 ? " result" : " results") +
          " for “" + text + "”" + (found.length > 100 ? " (the first 100 shown)" : "") + ".";
      });
    }
    input.addEventListener("input", show);
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      window.history.replaceState(null, "", url.href);
      show();
    });
    show();
  }

  // --- lists: filters, sorting, paging -----------------------------------------------------------------

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0].rows);
  }

  function listControls(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) return;
    form.hidden = false;
    var rows = rowsOf(table);
    var pageSize = parseInt(table.getAttribute("data-page-size") || "0", 10) || rows.length;
    if (window.matchMedia("(max-width: 40rem)").matches) pageSize = Math.min(pageSize, 20);  // rows stack on a phone
    var pager = document.querySelector(".pager");
    var page = 0;
    var shown = form.querySelector(".shown");
    var text = form.querySelector("[data-text]");
    var from = form.querySelector("[data-from]");
    var to = form.querySelector("[data-to]");
    var facets = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
    var sorter = form.querySelector("[data-sort-by]");
    var foldBox = form.querySelector("details.fold");
    var active = form.querySelector(".fold .active");
    var empty = document.querySelector("p.empty");
    var downloads = Array.prototype.slice.call(document.querySelectorAll("a[data-download]"));
    var scope = document.querySelector("[data-download-scope]");
    var served = body.getAttribute("data-search-index").charAt(0) === "/";  // a server filters downloads; a static host cannot
    var sortState = "";

    function matches(row) {
      if (text && text.value && !hasAll(fold(row.getAttribute("data-text")), words(text.value))) return false;
      for (var i = 0; i < facets.length; i++) {
        var wanted = facets[i].value;
        var have = (row.getAttribute("data-" + facets[i].getAttribute("data-facet")) || "").split("|");
        if (wanted && have.indexOf(wanted) < 0) return false;
      }
      var date = row.getAttribute("data-date") || "";
      if (from && from.value && (!date || date < from.value)) return false;
      if (to && to.value && (!date || date.slice(0, to.value.length) > to.value)) return false;
      return true;
    }

    function update() {
      var kept = rows.filter(matches);
      var pages = Math.max(1, Math.ceil(kept.length / pageSize));
      page = Math.min(page, pages - 1);
      rows.forEach(function (row) { row.hidden = true; row.classList.remove("off-page"); });
      kept.forEach(function (row, at) {  // a kept row off this page is printed all the same
        var here = at >= page * pageSize && at < (page + 1) * pageSize;
        row.hidden = !here;
        row.classList.toggle("off-page", !here);
      });
      if (shown) {
        var first = kept.length ? page * pageSize + 1 : 0;
        var last = Math.min(kept.length, (page + 1) * pageSize);
        shown.textContent = (kept.length === rows.length ? "all " + rows.length : kept.length + " of " + rows.length) +
          " match" + (pages > 1 ? "; showing " + first + "–" + last : "");
      }
      if (pager) {
        pager.hidden = pages < 2;
        pager.querySelector(".page-of").textContent = "Page " + (page + 1) + " of " + pages;
        pager.querySelector("[data-page=prev]").disabled = page === 0;
        pager.querySelector("[data-page=next]").disabled = page >= pages - 1;
      }
      if (empty) empty.hidden = kept.length > 0;
      var state = new URLSearchParams();
      if (text && text.value) state.set("q", text.value);
      facets.forEach(function (f) { if (f.value) state.set(f.getAttribute("data-facet"), f.value); });
      if (from && from.value) state.set("from", from.value);
      if (to && to.value) state.set("to", to.value);
      var filters = Array.from(state.keys()).length;
      if (active) active.textContent = filters ? "(" + filters + " active)" : "";
      if (served) {
        downloads.forEach(function (link) {
          link.href = link.getAttribute("href").split("?")[0] + (filters ? "?" + state.toString() : "");
        });
        if (scope) scope.textContent = filters ? "the " + kept.length + " matching rows" : "this list";
      }
      if (sortState) state.set("sort", sortState);
      var query = state.toString();
      if (window.location.protocol !== "file:" || query) {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }

    // filters from the address, so that a filtered list can be linked to
    var params = new URLSearchParams(window.location.search);
    if (text) text.value = params.get("q") || "";
    facets.forEach(function (f) { f.value = params.get(f.getAttribute("data-facet")) || ""; });
    if (from) from.value = params.get("from") || "";
    if (to) to.value = params.get("to") || "";

    form.addEventListener("input", function () { page = 0; update(); });
    form.addEventListener("change", function () { page = 0; update(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { sortState = ""; page = 0; update(); }, 0);
    });
    // on a phone the filters fold away, so that the results are on the first screen
    var phone = window.matchMedia("(max-width: 40rem)").matches;
    if (foldBox && phone && !window.location.search) foldBox.open = false;
    if (pager) {
      pager.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-page]");
        if (!button) return;
        page += button.getAttribute("data-page") === "next" ? 1 : -1;
        update();
        table.scrollIntoView();
      });
    }
    var sortBy = sortable(table, function (column, ascending) {
      rows = rowsOf(table);
      sortState = column + ":" + (ascending ? "asc" : "desc");
      if (sorter) sorter.value = sortState;
      update();
    });
    if (sorter) {
      sorter.addEventListener("change", function () {
        var choice = sorter.value.split(":");
        if (choice[0]) sortBy(parseInt(choice[0], 10), choice[1] === "asc");
      });
    }
    var sorted = (params.get("sort") || "").split(":");
    if (/^[0-9]+$/.test(sorted[0]) && parseInt(sorted[0], 10) < table.tHead.rows[0].cells.length) {
      sortBy(parseInt(sorted[0], 10), sorted[1] !== "desc");
    } else {
      update();
    }
  }

  function sortable(table, after) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(column, th.getAttribute("aria-sort") !== "ascending");
      });
    });
    function sortBy(column, ascending) {
      var th = headers[column];
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = rowsOf(table);
      rows.sort(function (a, b) {
        var x = a.cells[column], y = b.cells[column];
        var p = x.getAttribute("data-sort") || x.textContent.trim().toLowerCase();
        var q = y.getAttribute("data-sort") || y.textContent.trim().toLowerCase();
        return (p < q ? -1 : p > q ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      after(column, ascending);
    }
    return sortBy;
  }

  // the facets of a table in a panel (positions of a document, an organization, a topic)
  function panelFacets(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) return;
    box.hidden = false;
    var selects = Array.prototype.slice.call(box.querySelectorAll("select"));
    var shown = box.querySelector(".shown");
    function update() {
      var rows = rowsOf(table), count = 0;
      if (selects.some(function (s) { return s.value; })) table.dispatchEvent(new Event("unfold"));
      rows.forEach(function (row) {
        var keep = selects.every(function (s) {
          return !s.value || (row.getAttribute("data-" + s.getAttribute("data-facet")) || "").split("|").indexOf(s.value) >= 0;
        });
        row.hidden = !keep;
        if (keep) count++;
      });
      shown.textContent = count + " of " + rows.length + " shown";
    }
    box.addEventListener("change", update);
    update();
  }

  // the filter of a long list (a document's signatories): searches the whole list, folded part too
  function listFilter(box) {
    var input = box.querySelector("input");
    var section = document.getElementById(input.getAttribute("data-filter-list"));
    var details = section.querySelector("details.more");
    var items = Array.prototype.slice.call(section.querySelectorAll("li"));
    var shown = box.querySelector(".shown");
    box.hidden = false;
    input.addEventListener("input", function () {
      var needles = words(input.value);
      var count = 0;
      items.forEach(function (item) {
        var keep = hasAll(fold(item.textContent), needles);
        item.hidden = !keep;
        if (keep) count++;
      });
      if (needles.length && details) details.open = true;
      shown.textContent = needles.length ? count + " of " + items.length + " match" : "";
    });
  }

  // a long table in a panel shows its first rows and a button for the rest (all rows without JS)
  var FOLD_ROWS = 20;

  function foldTable(table) {
    var rows = rowsOf(table);
    if (rows.length <= FOLD_ROWS + 5) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "unfold";
    button.textContent = "Show all " + rows.length + " rows";
    table.classList.add("folded");
    rows.slice(FOLD_ROWS).forEach(function (row) { row.classList.add("extra"); });
    button.addEventListener("click", function () {
      table.classList.remove("folded");
      button.remove();
    });
    table.parentNode.insertAdjacentElement("afterend", button);
    table.addEventListener("unfold", function () { button.click(); });
  }

  // copy buttons (citations): the text of the element a button names, to the clipboard
  function copyButton(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest("section").querySelector(".copied");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent;
      function done(ok) { if (status) status.textContent = ok ? "Copied." : "Select the text and copy it."; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
        return;
      }
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done(document.execCommand && document.execCommand("copy"));
    });
  }

  // printing opens every folded section (browsers without ::details-content need it) and closes them after
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("main details:not([open])"), function (d) {
      return !d.closest("section.raw");
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("section.panel table.data"), foldTable);
    Array.prototype.forEach.call(document.querySelectorAll("form.controls[data-table]"), listControls);
    Array.prototype.forEach.call(document.querySelectorAll(".facets[data-table]"), panelFacets);
    Array.prototype.forEach.call(document.querySelectorAll(".filter"), listFilter);
    Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), copyButton);
    var box = document.getElementById("site-search");
    if (box) suggest(box);
    searchPage();
    reveal();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
