/*
 * Veerkracht maps: draws CBS area boundaries with Leaflet (global `L`), no build step.
 *
 * Every element with `data-map` becomes a map. It reads:
 *   data-geojson-url      URL of a GeoJSON FeatureCollection (e.g. the API), or
 *   data-geojson-id       id of a <script type="application/json"> holding one;
 *   data-features-id      id of a JSON object {code: {fill, label, href}} styling features;
 *   data-default-fill     fill for features without an entry;
 *   data-border-color, data-border-weight  outline of the features (white, 1.25);
 *   data-tile-url         optional background tiles (none: boundaries on a plain background);
 *   data-tile-attribution attribution of the tiles;
 *   data-attribution      attribution of the boundaries ("Bron: CBS, Kadaster");
 *   data-keyboard         "features": every linked feature is a keyboard stop (Tab, Enter);
 *   data-zoom-in-label, data-zoom-out-label, data-error-message: translated texts.
 * When drawn it sets data-loaded="true" and data-feature-count on the element; on
 * failure data-error="true" and it shows data-error-message in the element.
 */
(function () {
  "use strict";

  var HIGHLIGHT = "#0b0c0c";

  function readJson(id) {
    if (!id) return null;
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function featureCode(feature) {
    var props = feature.properties || {};
    return String(feature.id || props.code || props.gemeentecode || "");
  }

  function featureName(feature) {
    var props = feature.properties || {};
    return props.name || props.gemeentenaam || featureCode(feature);
  }

  function showError(container) {
    container.setAttribute("data-error", "true");
    var message = container.getAttribute("data-error-message");
    if (message) {
      var note = document.createElement("p");
      note.className = "vk-map__error";
      note.textContent = message;
      container.appendChild(note);
    }
  }

  function draw(container, map, data, info, options) {
    var defaultFill = container.getAttribute("data-default-fill") || "#f2f2f2";
    // White borders between neighbouring areas; a single area gets a dark outline.
    var border = container.getAttribute("data-border-color") || "#ffffff";
    var borderWeight = parseFloat(container.getAttribute("data-border-weight") || "1.25");

    function baseStyle(feature) {
      var entry = info[featureCode(feature)] || {};
      return {
        color: border,
        weight: borderWeight,
        opacity: 1,
        fillColor: entry.fill || defaultFill,
        fillOpacity: 1,
      };
    }

    function emphasise(layer) {
      layer.setStyle({ weight: 3, color: HIGHLIGHT });
      layer.bringToFront();
    }

    var layer = L.geoJSON(data, {
      style: baseStyle,
      onEachFeature: function (feature, featureLayer) {
        var entry = info[featureCode(feature)] || {};
        var name = featureName(feature);
        var label = entry.label && entry.label.indexOf(name) === -1
          ? name + " · " + entry.label
          : entry.label || name;
        featureLayer.bindTooltip(label, { sticky: true, direction: "top" });
        featureLayer.on("mouseover", function () { emphasise(featureLayer); });
        featureLayer.on("mouseout", function () { layer.resetStyle(featureLayer); });
        if (entry.href) {
          featureLayer.on("click", function () { window.location.assign(entry.href); });
        }
      },
    }).addTo(map);

    // Keyboard: linked features become links in the tab order (the SVG paths exist now).
    layer.eachLayer(function (featureLayer) {
      var feature = featureLayer.feature;
      var entry = info[featureCode(feature)] || {};
      var element = featureLayer.getElement && featureLayer.getElement();
      if (!element) return;
      if (options.keyboard && entry.href) {
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "link");
        element.setAttribute("aria-label", featureName(feature));
        element.addEventListener("keydown", function (event) {
          if (event.key === "Enter") window.location.assign(entry.href);
        });
        element.addEventListener("focus", function () {
          emphasise(featureLayer);
          featureLayer.openTooltip();
        });
        element.addEventListener("blur", function () {
          layer.resetStyle(featureLayer);
          featureLayer.closeTooltip();
        });
      } else {
        // Decorative for assistive technology: the page text holds the same information.
        element.setAttribute("aria-hidden", "true");
      }
    });

    var count = 0;
    layer.eachLayer(function () { count += 1; });
    if (count > 0) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    }
    container.setAttribute("data-feature-count", String(count));
    container.setAttribute("data-loaded", "true");
  }

  function init(container) {
    if (typeof L === "undefined") {
      showError(container);
      return;
    }
    var map = L.map(container, {
      attributionControl: false,
      zoomControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25,
    });
    L.control.zoom({
      zoomInTitle: container.getAttribute("data-zoom-in-label") || "Zoom in",
      zoomOutTitle: container.getAttribute("data-zoom-out-label") || "Zoom out",
    }).addTo(map);
    var attribution = L.control.attribution({ prefix: false }).addTo(map);
    var own = container.getAttribute("data-attribution");
    if (own) attribution.addAttribution(own);

    var tileUrl = container.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: container.getAttribute("data-tile-attribution") || "",
        maxZoom: 18,
      }).addTo(map);
    }
    // A first view of the Netherlands until the boundaries arrive.
    map.setView([52.1, 5.3], 7);

    var info = readJson(container.getAttribute("data-features-id")) || {};
    var options = { keyboard: container.getAttribute("data-keyboard") === "features" };
    var embedded = readJson(container.getAttribute("data-geojson-id"));
    if (embedded) {
      draw(container, map, embedded, info, options);
      return;
    }
    var url = container.getAttribute("data-geojson-url");
    if (!url) {
      showError(container);
      return;
    }
    fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { draw(container, map, data, info, options); })
      .catch(function () { showError(container); });
  }

  function start() {
    var containers = document.querySelectorAll("[data-map]");
    for (var i = 0; i < containers.length; i += 1) init(containers[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
