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
      // A feature with a numeric `shade` (0 to 1: a hot-spot cell) is filled darker the higher it is.
      style: function (feature) {
        var shade = feature && feature.properties ? feature.properties.shade : undefined;
        if (typeof shade === "number") {
          return { color: "#942514", weight: 1, fillColor: "#d4351c", fillOpacity: 0.1 + 0.75 * Math.max(0, Math.min(1, shade)) };
        }
        return { color: "#1d2d50", weight: 2, fillColor: "#2b6cb0", fillOpacity: 0.15 };
      },
      pointToLayer: function (feature, latlng) {
        return window.L.circleMarker(latlng, { radius: 7, weight: 2, color: "#0b0c0c", fillColor: "#d4351c", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, lyr) {
        if (feature.properties && feature.properties.name) {
          lyr.bindTooltip(feature.properties.name, { sticky: true });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
    } else {
      map.setView([54.5, -2.5], 5);
    }
    el.setAttribute("data-features", String(data.features ? data.features.length : 0));
    if (el.dataset.pick) { makePicker(el, map); }
    if (el.dataset.points) { loadPoints(el, map); }
    if (el.dataset.overlay) { loadOverlay(el, map); }
  }

  // A map the user taps to place something: the point goes into two hidden inputs (lat, lng).
  function makePicker(el, map) {
    var ids = el.dataset.pick.split(",");
    var lat = document.getElementById(ids[0]);
    var lng = document.getElementById(ids[1]);
    var status = el.parentNode.querySelector("[data-pick-status]");
    var marker = null;
    function place(latlng, pan) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else {
        marker = window.L.marker(latlng, { icon: window.L.divIcon({ className: "bb-marker" }), keyboard: false }).addTo(map);
      }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15)); }
      if (status) { status.textContent = (status.dataset.placed || "Placed at") + " " + lat.value + ", " + lng.value; }
      el.setAttribute("data-placed", "1");
    }
    if (lat.value && lng.value) { place(window.L.latLng(parseFloat(lat.value), parseFloat(lng.value)), true); }
    map.on("click", function (e) { place(e.latlng, false); });
    el._bbPlace = place;
  }

  function locate(button) {
    var map = document.querySelector("[data-pick]");
    if (!navigator.geolocation || !map || !map._bbPlace) { return; }
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      map._bbPlace(window.L.latLng(pos.coords.latitude, pos.coords.longitude), true);
    }, function () { button.disabled = false; }, { enableHighAccuracy: true, timeout: 10000 });
  }

  // Incident points from a GeoJSON endpoint, drawn as small circles (red for repeats).
  function loadPoints(el, map) {
    var summary = document.querySelector("[data-map-summary]");
    fetch(el.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = window.L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var repeat = feature.properties && feature.properties.repeat;
            return window.L.circleMarker(latlng, { radius: 5, weight: 1, color: "#0b0c0c", fillOpacity: 0.8, fillColor: repeat ? "#d4351c" : "#1d70b8" });
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties || {};
            var box = document.createElement("div");
            var link = document.createElement("a");
            link.href = "/incidents/" + encodeURIComponent(feature.id) + "/";
            link.textContent = p.reference;
            box.appendChild(link);
            box.appendChild(document.createElement("br"));
            box.appendChild(document.createTextNode(p.category + " · " + p.status));
            lyr.bindPopup(box);
          }
        }).addTo(map);
        el.setAttribute("data-points-loaded", String(data.features.length));
        if (summary) {
          summary.textContent = summary.dataset.template.replace("{shown}", data.features.length).replace("{total}", data.total) +
            (data.truncated ? " " + summary.dataset.truncated : "");
        }
      });
  }

  // Any GeoJSON from an endpoint (a patrol's map), drawn over the boundaries: lines as a route,
  // points with a `radius_m` as circles of that many metres, other points as markers; the map then
  // fits the layer. Tooltips show `label` (as text, never HTML) and `dwell_minutes` when given.
  function loadOverlay(el, map) {
    var dwell = el.dataset.overlayDwell || "{minutes} min";
    fetch(el.dataset.overlay, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = window.L.geoJSON(data, {
          style: function (feature) {
            return feature.geometry.type === "Point" ? {} : { color: "#1d70b8", weight: 4, opacity: 0.8 };
          },
          pointToLayer: function (feature, latlng) {
            var p = feature.properties || {};
            if (p.radius_m) {
              return window.L.circle(latlng, { radius: p.radius_m, weight: 2, color: "#f47738", fillColor: "#f47738", fillOpacity: 0.2 });
            }
            return window.L.circleMarker(latlng, { radius: 6, weight: 2, color: "#0b0c0c", fillColor: "#00703c", fillOpacity: 0.9 });
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties || {};
            var text = p.label ? String(p.label) : "";
            if (typeof p.dwell_minutes === "number") {
              text += (text ? " · " : "") + dwell.replace("{minutes}", String(Math.round(p.dwell_minutes)));
            }
            if (!text) return;
            var box = document.createElement("span");
            box.textContent = text;
            lyr.bindTooltip(box, { sticky: true });
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
        el.setAttribute("data-overlay-loaded", String(data.features ? data.features.length : 0));
      });
  }

  function init(root) {
    initGovuk(root);
    root.querySelectorAll("[data-map]").forEach(drawMap);
    // A block shown only while a select has a given value (the ASB fields for ASB incidents).
    root.querySelectorAll("[data-show-when]").forEach(function (block) {
      var select = document.getElementById(block.dataset.showWhen);
      if (!select) return;
      var sync = function () { block.hidden = select.value !== block.dataset.showValue; };
      select.addEventListener("change", sync);
      sync();
    });
    root.querySelectorAll("[data-locate]").forEach(function (button) {
      button.addEventListener("click", function () { locate(button); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
