// The query UI: YASGUI against this server's /sparql, with the saved queries open in tabs.
(function () {
  "use strict";
  var saved = JSON.parse(document.getElementById("saved-queries").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null, // start from the saved queries every time, not from an old session
    autoAddOnInit: false,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  saved.forEach(function (query, index) {
    yasgui.addTab(index === 0, {
      name: query.title,
      yasqe: { value: query.query },
      requestConfig: { endpoint: endpoint },
    });
  });
  if (!saved.length) {
    yasgui.addTab(true, { requestConfig: { endpoint: endpoint } });
  }
  window.peacegraphYasgui = yasgui;
})();
