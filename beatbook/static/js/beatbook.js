// Beatbook's page glue: start GOV.UK Frontend components, and draw boundary maps.
// Data comes from data-* attributes and <script type="application/json"> blocks, never inline JS.
(function () {
  "use strict";

  function initGovuk(root) {
    if (window.GOVUKFrontend && document.body.classList.contains("govuk-frontend-supported")) {
      window.GOVUKFrontend.initAll({ scope: root });
    }
  }

  function drawMap(el) {
    if (!window.L || el.dataset.ready) return;
    var source = document.getElementById(el.dataset.geojson);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    el.dataset.ready = "1";
    var map = window.L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    if (el.dataset.tiles) {
      window.L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var layer = window.L.geoJSON(data, {
      style: function () { return { color: "#1d2d50", weight: 2, fillColor: "#2b6cb0", fillOpacity: 0.15 }; },
      onEachFeature: function (feature, lyr) {
        if (feature.properties && feature.properties.name) {
          lyr.bindTooltip(feature.properties.name, { sticky: true });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([54.5, -2.5], 5);
    }
    el.setAttribute("data-features", String(data.features ? data.features.length : 0));
  }

  function init(root) {
    initGovuk(root);
    root.querySelectorAll("[data-map]").forEach(drawMap);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
