// The query UI: YASGUI against this server's /sparql, with the saved queries open in tabs.
// Results read like the pages: our identifiers link to their pages here and show their names,
// and literals show their value without ^^xsd:… datatype noise (a language tag stays).
(function () {
  "use strict";
  var ID = "https://w3id.org/peacegraph/id/";
  var saved = JSON.parse(document.getElementById("saved-queries").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  var names = {};
  ((window.peacegraphSearch && window.peacegraphSearch.entries) || []).forEach(function (entry) {
    names[entry[0]] = entry[1];
  });

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table) {
    var compactIri = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var iri = binding.value;
      if (iri.indexOf(ID) !== 0) return compactIri.call(this, binding, prefixes);
      var path = "id/" + iri.slice(ID.length);
      var name = names[path];
      var link = "<a class='iri' href='/" + escape(path) + "' title='" + escape(iri) + "'>";
      if (name) return link + escape(name) + "</a> <span class='note'>" + escape(path.slice(3)) + "</span>";
      return link + escape(path.slice(3)) + "</a>";
    };
    Table.prototype.formatLiteral = function (binding) {
      var text = escape(binding.value);
      return binding["xml:lang"] ? text + " <span class='note'>" + escape(binding["xml:lang"]) + "</span>" : text;
    };
  }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null, // start from the saved queries every time, not from an old session
    autoAddOnInit: false,
    autofocus: false, // Tab moves through the page until the reader chooses the editor
    yasqe: { autofocus: false },
    yasr: { pluginConfig: { table: { openIriInNewWindow: false } } },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  // ?tab=NAME opens the saved query of that name (the positions explorer links to them)
  var wanted = new URLSearchParams(window.location.search).get("tab");
  var first = saved.findIndex(function (query) { return query.name === wanted; });
  saved.forEach(function (query, index) {
    yasgui.addTab(index === (first < 0 ? 0 : first), {
      name: query.title,
      yasqe: { value: query.query, autofocus: false },
      requestConfig: { endpoint: endpoint },
    });
  });
  if (!saved.length) {
    yasgui.addTab(true, { requestConfig: { endpoint: endpoint } });
  }
  window.peacegraphYasgui = yasgui;

  // YASGUI's markup, made accessible (WCAG 2.1 AA): tabs point only at panels that exist, the
  // "new tab" button leaves the tab list (a tablist may hold only tabs), inputs get names, and the
  // editor's scrolling region can be reached by keyboard. Re-applied whenever YASGUI redraws.
  var root = document.getElementById("yasgui");
  var shownTab = null;
  var tabbing = new WeakSet();
  function repair() {
    observer.disconnect();
    root.querySelectorAll("[role=tab][aria-controls]").forEach(function (tab) {
      if (!document.getElementById(tab.getAttribute("aria-controls"))) tab.removeAttribute("aria-controls");
    });
    root.querySelectorAll(".tabsList").forEach(function (list) {
      Array.prototype.slice.call(list.children).forEach(function (child) {
        if (!child.classList.contains("tab")) list.insertAdjacentElement("afterend", child);
      });
      var active = list.querySelector(".tab.active");
      if (active && active !== shownTab) {  // on a phone the tabs scroll in their strip: show the open one
        shownTab = active;
        list.scrollLeft = active.offsetLeft - list.offsetLeft;
      }
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "SPARQL endpoint");
    });
    root.querySelectorAll(".tab input[type=text]:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "Tab name");
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (area) {
      area.setAttribute("aria-label", "SPARQL query");
    });
    root.querySelectorAll(".yasr select.tableSizer:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", "Results per page");
    });
    root.querySelectorAll(".yasr input:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", input.getAttribute("placeholder") || input.type);
    });
    root.querySelectorAll(".CodeMirror").forEach(function (wrapper) {  // no keyboard trap (WCAG 2.1.2)
      var editor = wrapper.CodeMirror;  // CodeMirror keeps its instance on its wrapper element
      if (editor && !tabbing.has(editor)) {
        tabbing.add(editor);
        editor.addKeyMap({ Tab: false, "Shift-Tab": false });  // false: the browser's Tab, which moves focus on
      }
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (region) {
      if (region.getAttribute("tabindex") !== "0") region.setAttribute("tabindex", "0");
    });
    observer.observe(root, { childList: true, subtree: true });
  }
  var observer = new MutationObserver(repair);
  repair();
})();
