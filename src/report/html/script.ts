/**
 * The report's only script, inlined (plain ES2017, no modules, no network). It reads the flows (edges
 * in lifecycle order, by node index) from the JSON data block, walks a node's path the same way as
 * `lifecyclePath` in map-index.ts, opens side panels cloned from `<template>`s (escaped at render
 * time; the script never builds markup from data), zooms the map, and filters the findings tables.
 */
export const reportScript = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var flows = data.flows;
  var svg = document.getElementById('map-svg');
  var panel = document.getElementById('panel');
  var panelBody = document.getElementById('panel-body');
  var opener = null;

  function pathOf(start) {
    var nodes = {}, edges = {};
    nodes[start] = true;
    function walk(forward) {
      var seen = {}, queue = [start];
      seen[start] = true;
      while (queue.length) {
        var at = queue.shift();
        for (var k = 0; k < flows.length; k++) {
          var f = flows[k];
          var here = forward ? f[0] : f[1], there = forward ? f[1] : f[0], attachment = f[3] === 1;
          if (here !== at) continue;
          if (attachment && !forward && at !== start) continue;
          edges[f[2]] = true;
          nodes[there] = true;
          if (seen[there] || (attachment && forward)) continue;
          seen[there] = true;
          queue.push(there);
        }
      }
      return seen;
    }
    var upstream = walk(false);
    walk(true);
    for (var k = 0; k < flows.length; k++) {
      var f = flows[k];
      if (f[3] === 1 && upstream[f[0]]) { nodes[f[1]] = true; edges[f[2]] = true; }
    }
    return { nodes: nodes, edges: edges };
  }

  function clearPath() {
    if (!svg) return;
    svg.classList.remove('has-path');
    var lit = svg.querySelectorAll('.on-path, .selected');
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove('on-path', 'selected');
    var pressed = svg.querySelectorAll('[aria-pressed]');
    for (var j = 0; j < pressed.length; j++) pressed[j].removeAttribute('aria-pressed');
  }

  function showPath(index) {
    clearPath();
    if (!svg) return;
    var path = pathOf(index);
    svg.classList.add('has-path');
    Object.keys(path.nodes).forEach(function (n) { var el = document.getElementById('node-' + n); if (el) el.classList.add('on-path'); });
    Object.keys(path.edges).forEach(function (e) { var el = svg.querySelector('[data-edge="' + e + '"]'); if (el) el.classList.add('on-path'); });
    var start = document.getElementById('node-' + index);
    if (start) { start.classList.add('selected'); start.setAttribute('aria-pressed', 'true'); }
  }

  function openPanel(templateId, from) {
    var template = document.getElementById(templateId);
    if (!template || !panel || !panelBody) return;
    panelBody.textContent = '';
    panelBody.appendChild(template.content.cloneNode(true));
    var title = panelBody.querySelector('.panel-title');
    if (title) { title.id = 'panel-title'; panel.setAttribute('aria-labelledby', 'panel-title'); }
    panel.hidden = false;
    panelBody.scrollTop = 0;
    if (!opener || !panel.contains(from)) opener = from;
    if (title) title.focus();
  }

  function closePanel() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    clearPath();
    var back = opener;
    opener = null;
    if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
  }

  function selectNode(index, from, scroll) {
    showPath(index);
    openPanel('panel-n' + index, from);
    if (scroll) {
      var el = document.getElementById('node-' + index);
      var box = document.getElementById('map-scroll');
      document.getElementById('map').scrollIntoView({ block: 'start' });
      if (el && box) {
        var r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
        box.scrollLeft += r.left - b.left - b.width / 2 + r.width / 2;
        box.scrollTop += r.top - b.top - b.height / 2 + r.height / 2;
      }
    }
  }

  function activate(target) {
    var nodeEl = target.closest('[data-node]');
    if (nodeEl) { selectNode(Number(nodeEl.getAttribute('data-node')), nodeEl, nodeEl.hasAttribute('data-scroll')); return true; }
    var stageEl = target.closest('[data-stage]');
    if (stageEl) { clearPath(); openPanel('panel-stage-' + stageEl.getAttribute('data-stage'), stageEl); return true; }
    return false;
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest('#panel-close')) { closePanel(); return; }
    if (activate(target) && target.closest('a')) event.preventDefault();
  });
  // SVG groups are role="button": Enter and Space activate them like buttons
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { closePanel(); return; }
    var target = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && target instanceof Element && target.closest('svg') && target.getAttribute('role') === 'button') {
      event.preventDefault();
      activate(target);
    }
  });

  // zoom: the SVG keeps its aspect ratio; its container scrolls
  var zoom = 1;
  function setZoom(z) {
    if (!svg) return;
    zoom = Math.max(0.25, Math.min(3, z));
    svg.style.width = Math.round(Number(svg.getAttribute('data-width')) * zoom) + 'px';
    svg.style.height = 'auto';
    var label = document.getElementById('zoom-level');
    if (label) label.textContent = Math.round(zoom * 100) + '%';
  }
  function fitZoom() {
    var box = document.getElementById('map-scroll');
    if (box && svg) setZoom((box.clientWidth - 2) / Number(svg.getAttribute('data-width')));
  }
  var zoomIn = document.getElementById('zoom-in'), zoomOut = document.getElementById('zoom-out'), zoomFit = document.getElementById('zoom-fit'), zoomReset = document.getElementById('zoom-reset');
  if (zoomIn) zoomIn.addEventListener('click', function () { setZoom(zoom * 1.25); });
  if (zoomOut) zoomOut.addEventListener('click', function () { setZoom(zoom / 1.25); });
  if (zoomFit) zoomFit.addEventListener('click', fitZoom);
  if (zoomReset) zoomReset.addEventListener('click', function () { setZoom(1); });

  // findings filters
  var text = document.getElementById('f-text'), severity = document.getElementById('f-severity'), phase = document.getElementById('f-phase');
  var form = document.querySelector('form.filters');
  if (form) form.addEventListener('submit', function (event) { event.preventDefault(); });
  function applyFilters() {
    var query = text ? text.value.trim().toLowerCase() : '';
    var minimum = severity ? Number(severity.value) : 0;
    var wanted = phase ? phase.value : '';
    var shown = 0, total = 0;
    var groups = document.querySelectorAll('.finding-group');
    for (var g = 0; g < groups.length; g++) {
      var rows = groups[g].querySelectorAll('tbody tr:not(.empty)');
      var groupShown = 0;
      for (var r = 0; r < rows.length; r++) {
        var row = rows[r];
        var match = Number(row.getAttribute('data-sev')) >= minimum &&
          (!wanted || row.getAttribute('data-phase') === wanted) &&
          (!query || row.textContent.toLowerCase().indexOf(query) >= 0);
        row.hidden = !match;
        if (match) groupShown++;
      }
      total += rows.length;
      shown += groupShown;
      var count = groups[g].querySelector('.count');
      if (count) count.textContent = groupShown === rows.length ? '(' + rows.length + ')' : '(' + groupShown + ' of ' + rows.length + ')';
      var empty = groups[g].querySelector('tr.empty');
      if (empty) empty.hidden = groupShown > 0;
    }
    var summary = document.getElementById('f-count');
    if (summary) summary.textContent = 'Showing ' + shown + ' of ' + total + (total === 1 ? ' finding' : ' findings');
  }
  if (text) text.addEventListener('input', applyFilters);
  if (severity) severity.addEventListener('change', applyFilters);
  if (phase) phase.addEventListener('change', applyFilters);
})();
`;
