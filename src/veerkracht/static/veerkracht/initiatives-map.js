/*
 * Initiatievenkaart: initiatives on a Leaflet map (global `L`), clustered by the server.
 * Plain JavaScript, no build step.
 *
 * [data-initiatives-map] — the map page. It reads:
 *   data-geojson-url     the API list (/api/v1/initiatives); asked with format=geojson,
 *                        the filter, bbox and zoom after every move;
 *   data-detail-url      the API detail URL with "__slug__" in place of the slug;
 *   data-page-url        an initiative's public page, with "__slug__" likewise;
 *   data-boundaries-url  GeoJSON of the province's municipalities (base layer, offline);
 *   data-filter          the filter as a query string (thema=…&gemeente=…);
 *   data-bounds          minLon,minLat,maxLon,maxLat to show first;
 *   data-tile-url, data-tile-attribution  optional background tiles;
 *   data-attribution, data-zoom-in-label, data-zoom-out-label, data-cluster-label,
 *   data-members-label, data-approximate-label, data-loading-label, data-more-label,
 *   data-popup-error, data-error-message: translated texts ("{count}" is replaced).
 * After each load it sets data-loaded="true" and data-marker-count (markers drawn);
 * while loading data-loaded="false"; on failure data-error="true".
 *
 * [data-initiative-location] — the map on an initiative's page: the id of a JSON script
 * element holding {boundary: FeatureCollection, point: [lat, lon] | null}.
 */
(function () {
  "use strict";

  var MAX_ZOOM = 18;

  function text(container, name, fallback) {
    return container.getAttribute(name) || fallback;
  }

  function format(template, count) {
    return template.replace("{count}", String(count));
  }

  function showError(container) {
    container.setAttribute("data-error", "true");
    container.setAttribute("data-loaded", "true");
    var message = container.getAttribute("data-error-message");
    if (message && !container.querySelector(".vk-map__error")) {
      var note = document.createElement("p");
      note.className = "vk-map__error";
      note.textContent = message;
      container.appendChild(note);
    }
  }

  function createMap(container, options) {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(container, {
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
      attributionControl: false,
      zoomControl: false,
      scrollWheelZoom: false,
      zoomSnap: options.zoomSnap,
      maxZoom: MAX_ZOOM,
    });
    L.control.zoom({
      zoomInTitle: text(container, "data-zoom-in-label", "Zoom in"),
      zoomOutTitle: text(container, "data-zoom-out-label", "Zoom out"),
    }).addTo(map);
    var attribution = L.control.attribution({ prefix: false }).addTo(map);
    var own = container.getAttribute("data-attribution");
    if (own) attribution.addAttribution(own);
    var tileUrl = container.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: container.getAttribute("data-tile-attribution") || "",
        maxZoom: MAX_ZOOM,
      }).addTo(map);
    }
    return map;
  }

  // Municipality boundaries as a quiet, non-interactive base layer.
  function boundaryLayer(data) {
    var layer = L.geoJSON(data, {
      interactive: false,
      style: function () {
        return { color: "#ffffff", weight: 1.25, opacity: 1, fillColor: "#f7f5fb", fillOpacity: 1 };
      },
    });
    return layer;
  }

  function hideFromAssistiveTechnology(layer) {
    layer.eachLayer(function (featureLayer) {
      var element = featureLayer.getElement && featureLayer.getElement();
      if (element) element.setAttribute("aria-hidden", "true");
    });
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  // --- the Initiatievenkaart ------------------------------------------------------------

  function initiativesMap(container) {
    // Half zoom steps fit the province better; the server gets the whole zoom below,
    // so its cells are never less than 64 px wide on the screen.
    var map = createMap(container, { zoomSnap: 0.5 });
    var markers = L.layerGroup().addTo(map);
    var geojsonUrl = container.getAttribute("data-geojson-url");
    var detailUrl = container.getAttribute("data-detail-url");
    var pageUrl = container.getAttribute("data-page-url");
    var filter = container.getAttribute("data-filter") || "";
    var details = {};
    var sequence = 0;
    var timer = null;

    var bounds = (container.getAttribute("data-bounds") || "").split(",").map(parseFloat);
    if (bounds.length === 4 && bounds.every(isFinite)) {
      map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { padding: [8, 8] });
    } else {
      map.setView([51.55, 5.1], 9);
    }

    var boundariesUrl = container.getAttribute("data-boundaries-url");
    if (boundariesUrl) {
      fetch(boundariesUrl, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          var layer = boundaryLayer(data).addTo(map);
          layer.bringToBack();
          hideFromAssistiveTechnology(layer);
        })
        .catch(function () { /* the initiatives still show without the base layer */ });
    }

    function clamp(value, limit) {
      return Math.max(-limit, Math.min(limit, value));
    }

    function bboxParam() {
      var b = map.getBounds();
      return [
        clamp(b.getWest(), 180).toFixed(5),
        clamp(b.getSouth(), 90).toFixed(5),
        clamp(b.getEast(), 180).toFixed(5),
        clamp(b.getNorth(), 90).toFixed(5),
      ].join(",");
    }

    function markerElementLabel(marker, label) {
      var icon = marker.getElement();
      if (!icon) return;
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-label", label);
      icon.setAttribute("title", label);
    }

    function popupContent(data) {
      var box = element("div", "vk-popup");
      box.appendChild(element("p", "vk-popup__title", data.name));
      if (data.municipality) box.appendChild(element("p", "vk-popup__meta", data.municipality.name));
      if (data.summary) box.appendChild(element("p", "vk-popup__summary", data.summary));
      var link = element("a", "utrecht-link vk-popup__link", text(container, "data-more-label", "More"));
      link.href = data.url;
      box.appendChild(link);
      return box;
    }

    function membersContent(properties) {
      var box = element("div", "vk-popup");
      box.appendChild(
        element("p", "vk-popup__title", format(text(container, "data-members-label", "{count}"), properties.count))
      );
      var list = element("ul", "vk-popup__list");
      properties.members.forEach(function (member) {
        var item = element("li");
        var link = element("a", "utrecht-link", member.name);
        link.href = pageUrl.replace("__slug__", encodeURIComponent(member.slug));
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
      return box;
    }

    function pointMarker(feature, latlng) {
      var properties = feature.properties || {};
      var marker = L.marker(latlng, {
        icon: L.divIcon({
          className: "vk-marker" + (properties.approximate ? " vk-marker--approximate" : ""),
          html: "",
          iconSize: [20, 20],
        }),
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(element("p", "vk-popup__loading", text(container, "data-loading-label", "…")), {
        maxWidth: 320,
      });
      marker.on("popupopen", function () {
        var slug = properties.slug;
        if (details[slug]) {
          marker.setPopupContent(popupContent(details[slug]));
          return;
        }
        fetch(detailUrl.replace("__slug__", encodeURIComponent(slug)), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (data) {
            details[slug] = data;
            marker.setPopupContent(popupContent(data));
          })
          .catch(function () {
            marker.setPopupContent(element("p", "vk-popup__error", text(container, "data-popup-error", "Error")));
          });
      });
      marker.on("add", function () {
        var label = properties.name;
        if (properties.approximate) {
          label += " (" + text(container, "data-approximate-label", "") + ")";
        }
        markerElementLabel(marker, label);
        marker.getElement().setAttribute("data-slug", properties.slug);
      });
      return marker;
    }

    function clusterMarker(feature, latlng) {
      var properties = feature.properties || {};
      var count = properties.count;
      var size = count < 10 ? 32 : count < 100 ? 38 : count < 1000 ? 44 : 52;
      var marker = L.marker(latlng, {
        icon: L.divIcon({
          className: "vk-cluster",
          html: "<span>" + String(count) + "</span>",
          iconSize: [size, size],
        }),
        keyboard: true,
        riseOnHover: true,
      });
      if (properties.members) {
        marker.bindPopup(membersContent(properties), { maxWidth: 320 });
        marker.on("add", function () {
          markerElementLabel(marker, format(text(container, "data-members-label", "{count}"), count));
        });
        return marker;
      }
      marker.on("click", function () {
        container.setAttribute("data-loaded", "false");
        var zoom = map.getZoom();
        var target = properties.expansion_zoom || zoom + 2;
        var box = properties.bbox;
        if (box && box.length === 4) {
          var extent = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
          var fitting = map.getBoundsZoom(extent, false, L.point(40, 40));
          target = Math.max(zoom + 1, Math.min(fitting, MAX_ZOOM));
          map.setView(extent.getCenter(), target);
        } else {
          map.setView(latlng, Math.min(Math.max(target, zoom + 1), MAX_ZOOM));
        }
        container.focus();
      });
      marker.on("add", function () {
        markerElementLabel(marker, format(text(container, "data-cluster-label", "{count}"), count));
      });
      return marker;
    }

    // Markers by feature: a reload keeps the markers that are still there (and so an
    // open popup, also when opening it panned the map), adds new ones, removes the rest.
    var shown = {};

    function featureKey(feature, coordinates) {
      var properties = feature.properties || {};
      return [feature.id, properties.count || 1, coordinates[0], coordinates[1]].join("|");
    }

    function draw(data) {
      var next = {};
      var count = 0;
      (data.features || []).forEach(function (feature) {
        var coordinates = feature.geometry && feature.geometry.coordinates;
        if (!coordinates) return;
        var key = featureKey(feature, coordinates);
        var marker = shown[key];
        if (!marker) {
          var latlng = L.latLng(coordinates[1], coordinates[0]);
          var properties = feature.properties || {};
          marker = properties.cluster ? clusterMarker(feature, latlng) : pointMarker(feature, latlng);
          marker.addTo(markers);
        }
        next[key] = marker;
        count += 1;
      });
      Object.keys(shown).forEach(function (key) {
        if (!next[key]) markers.removeLayer(shown[key]);
      });
      shown = next;
      container.removeAttribute("data-error");
      container.setAttribute("data-marker-count", String(count));
      container.setAttribute("data-initiative-count", String(data.count || 0));
      container.setAttribute("data-zoom", String(map.getZoom()));
      container.setAttribute("data-loaded", "true");
    }

    function load() {
      var mine = (sequence += 1);
      container.setAttribute("data-loaded", "false");
      var url = geojsonUrl + "?format=geojson&zoom=" + Math.floor(map.getZoom()) +
        "&bbox=" + bboxParam() + (filter ? "&" + filter : "");
      fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine === sequence) draw(data);
        })
        .catch(function () {
          if (mine === sequence) showError(container);
        });
    }

    function scheduleLoad() {
      if (timer) window.clearTimeout(timer);
      container.setAttribute("data-loaded", "false");
      timer = window.setTimeout(load, 120);
    }

    map.on("moveend", scheduleLoad);
    load();
  }

  // --- an initiative's location ---------------------------------------------------------

  function locationMap(container) {
    var source = document.getElementById(container.getAttribute("data-initiative-location"));
    if (!source) {
      showError(container);
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = createMap(container, { zoomSnap: 0.25 });
    var layer = null;
    if (data.boundary && data.boundary.features && data.boundary.features.length) {
      layer = L.geoJSON(data.boundary, {
        interactive: false,
        style: function () {
          return { color: "#1d0857", weight: 2, opacity: 1, fillColor: "#cfbdff", fillOpacity: 0.5 };
        },
      });
    }
    // The view first (Leaflet adds layers once the map has one): the whole
    // municipality for context, the point lies inside it; else around the point.
    if (layer) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    else map.setView(data.point, 14);
    if (layer) {
      layer.addTo(map);
      hideFromAssistiveTechnology(layer);
    }
    if (data.point) {
      var marker = L.marker(data.point, {
        icon: L.divIcon({ className: "vk-marker vk-marker--static", html: "", iconSize: [20, 20] }),
        keyboard: false,
        interactive: false,
      }).addTo(map);
      var icon = marker.getElement();
      if (icon) icon.setAttribute("aria-hidden", "true");
    }
    container.setAttribute("data-loaded", "true");
  }

  function start() {
    var containers = document.querySelectorAll("[data-initiatives-map], [data-initiative-location]");
    for (var i = 0; i < containers.length; i += 1) {
      var container = containers[i];
      if (typeof L === "undefined") {
        showError(container);
        continue;
      }
      try {
        if (container.hasAttribute("data-initiatives-map")) initiativesMap(container);
        else locationMap(container);
      } catch (error) {
        showError(container);
        throw error;
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
