/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
'use strict';
/*
 * The console page: polls the node's read-only JSON (/console/api/...) every two seconds and draws it; charts are
 * inline SVG polylines of the last two minutes. ?tail=FILTER in the page's address starts the live tail at once,
 * &via=http tails over the HTTP API even when the node has a WebSocket listener.
 */
(function () {
  const POLL_MS = 2000;
  const POINTS = 60;
  const history = { connections: [], in: [], out: [] };
  const $ = (id) => document.getElementById(id);
  let tailUrl = null; // the node's ws:// listener, from the overview; null when it is off
  let stopTail = null;

  async function get(path) {
    const r = await fetch('api/' + path, { cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }

  function rate(x) { return (Math.round(x * 10) / 10).toFixed(1); }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function fill(tableId, rows, columns, rowClass) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...rows.map(function (row) {
      const tr = document.createElement('tr');
      if (rowClass) tr.className = rowClass(row);
      columns.forEach(([get, cls]) => cell(tr, get(row), cls));
      return tr;
    }));
  }

  function push(series, value) {
    series.push(value);
    if (series.length > POINTS) series.shift();
  }

  function chart(svgId, lines) {
    const svg = $(svgId);
    const top = Math.max(1, ...lines.flatMap((l) => l.values));
    const max = top * 1.25; // headroom: the top line stays clear of the label
    const ns = 'http://www.w3.org/2000/svg';
    const nodes = [];
    [0.25, 0.5, 0.75].forEach(function (f) {
      const g = document.createElementNS(ns, 'line');
      g.setAttribute('class', 'grid');
      g.setAttribute('x1', 0); g.setAttribute('x2', 600);
      g.setAttribute('y1', 140 * f); g.setAttribute('y2', 140 * f);
      nodes.push(g);
    });
    lines.forEach(function (l) {
      const p = document.createElementNS(ns, 'polyline');
      p.setAttribute('class', 'line ' + l.cls);
      p.setAttribute('points', l.values.map((v, i) => (i * 600 / (POINTS - 1)) + ',' + (136 - v / max * 128)).join(' '));
      nodes.push(p);
    });
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', 4); t.setAttribute('y', 12);
    t.textContent = 'max ' + (Number.isInteger(top) ? top : rate(top));
    nodes.push(t);
    svg.replaceChildren(...nodes);
  }

  function overview(o) {
    $('node-id').textContent = 'node ' + o.node;
    const up = o.ready.status === 'UP';
    $('ready').textContent = up ? 'ready' : 'not ready';
    $('ready').className = 'badge ' + (up ? 'up' : 'down');
    $('checks').textContent = Object.entries(o.ready.checks)
      .map(([k, v]) => k + ' ' + (typeof v === 'object' ? (v.status || JSON.stringify(v)) : v)).join(', ');
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    $('conn-count').textContent = o.local.clientsConnected;
    $('rate-in').textContent = rate(o.local.messagesReceivedPerSecond);
    $('rate-out').textContent = rate(o.local.messagesSentPerSecond);
    $('cluster-nodes').textContent = o.cluster.nodes;
    $('cluster-clients').textContent = o.cluster.clientsConnected;
    $('cluster-rate-in').textContent = rate(o.cluster.messagesReceivedPerSecond);
    push(history.connections, o.local.clientsConnected);
    push(history.in, o.local.messagesReceivedPerSecond);
    push(history.out, o.local.messagesSentPerSecond);
    chart('chart-connections', [{ cls: 'connections', values: history.connections }]);
    chart('chart-rates', [{ cls: 'in', values: history.in }, { cls: 'out', values: history.out }]);
    fill('nodes', o.nodes, [
      [(n) => n.id],
      [(n) => n.health, null],
      [(n) => n.stats ? n.stats.clientsConnected : '', 'num'],
      [(n) => n.stats ? rate(n.stats.messagesReceivedPerSecond) : '', 'num'],
      [(n) => n.stats ? rate(n.stats.messagesSentPerSecond) : '', 'num'],
      [(n) => n.stats ? n.stats.kafkaLag : '', 'num'],
      [(n) => n.stats ? n.stats.uptimeSeconds + ' s' : '', 'num'],
      [(n) => (n.listeners || []).join(' ')],
    ], (n) => n.self ? 'self' : '');
    $('nodes').querySelectorAll('tbody tr').forEach(function (tr) {
      tr.cells[1].className = 'health-' + tr.cells[1].textContent.split(' ')[0];
    });
    tailUrl = o.tailUrl;
  }

  function clients(c) {
    $('clients-count').textContent = c.matched + ' of ' + c.total;
    fill('clients', c.rows, [
      [(r) => r.clientId], [(r) => r.protocolLevel === 5 ? '5' : '3.1.1'], [(r) => r.remoteAddress],
      [(r) => r.persistent ? 'yes' : 'no'], [(r) => r.subscriptions, 'num'],
    ]);
  }

  function sessions(s) {
    $('sessions-count').textContent = s.matched + ' of ' + s.total;
    fill('sessions', s.rows, [
      [(r) => r.clientId], [(r) => r.owner], [(r) => r.connected ? 'yes' : 'no'],
      [(r) => r.expiresAt || 'never'], [(r) => r.subscriptions.join(', ')],
    ]);
  }

  function topics(t) {
    fill('topics', t.rows, [[(r) => r.topic], [(r) => r.messages, 'num'], [(r) => rate(r.perSecond), 'num']]);
  }

  function denials(d) {
    const rows = [];
    Object.entries(d.acl).forEach(([k, v]) => rows.push(['ACL', k, v]));
    Object.entries(d.auth).forEach(([k, v]) => rows.push(['authentication', k, v]));
    Object.entries(d.limits).forEach(([k, v]) => rows.push(['limit', k, v]));
    rows.push(['$SYS', 'publish refused', d.sysPublishesRefused]);
    fill('denials', rows.filter((r) => r[2] > 0 || r[0] === 'ACL'), [[(r) => r[0]], [(r) => r[1]], [(r) => r[2], 'num']]);
  }

  const q = (id) => encodeURIComponent($(id).value.trim());

  async function poll() {
    try {
      const [o, c, s, t, d] = await Promise.all([get('overview'), get('clients?q=' + q('client-search')),
        get('sessions?q=' + q('session-search')), get('topics'), get('denials')]);
      overview(o); clients(c); sessions(s); topics(t); denials(d);
    } catch (e) {
      $('ready').textContent = 'unreachable';
      $('ready').className = 'badge down';
      $('updated').textContent = String(e.message || e);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  // The live tail: over the node's MQTT-over-WebSocket listener (mqtt-ws.js) when it has one, else over HTTP.
  function startTail(filter) {
    if (stopTail) stopTail();
    const log = $('tail-log');
    log.replaceChildren();
    const show = function (topic, text) {
      const li = document.createElement('li');
      const t = document.createElement('span');
      t.className = 'topic';
      t.textContent = topic + ' ';
      li.append(t, document.createTextNode(text.length > 500 ? text.slice(0, 500) + '…' : text));
      li.className = 'tail-message';
      log.prepend(li);
      while (log.children.length > 200) log.lastChild.remove();
    };
    const status = (text) => { $('tail-status').textContent = text; };
    stopTail = tailUrl && !overHttp ? tailOverWebSocket(filter, show, status) : tailOverHttp(filter, show, status);
  }

  /** Without a WebSocket listener: the node subscribes for the page, which polls what arrived (api/tail). */
  function tailOverHttp(filter, show, status) {
    let after = 0;
    let timer = null;
    let stopped = false;
    async function next() {
      try {
        const r = await fetch('api/tail?filter=' + encodeURIComponent(filter) + '&after=' + after, { cache: 'no-store' });
        const body = await r.json();
        if (!r.ok) { status(body.error || 'HTTP ' + r.status); return; }
        status('tailing ' + filter + ' (over HTTP: the node has no WebSocket listener)');
        body.messages.forEach(function (m) { after = Math.max(after, m.seq); show(m.topic, m.payload); });
      } catch (e) {
        status(String(e.message || e));
      }
      if (!stopped) timer = setTimeout(next, 1000);
    }
    next();
    return function () { stopped = true; clearTimeout(timer); };
  }

  function tailOverWebSocket(filter, show, status) {
    const url = tailUrl.replace('//0.0.0.0:', '//' + location.hostname + ':').replace('//[::]:', '//' + location.hostname + ':');
    return MqttTail.tail(url, filter, { username: $('tail-user').value, password: $('tail-password').value },
      show, status);
  }

  $('tail-form').addEventListener('submit', function (e) {
    e.preventDefault();
    startTail($('tail-filter').value.trim() || '#');
  });

  const params = new URLSearchParams(location.search);
  const wanted = params.get('tail');
  const overHttp = params.get('via') === 'http'; // e.g. when a proxy in between does not pass WebSockets
  poll().then(function () {
    if (wanted) {
      $('tail-filter').value = wanted;
      startTail(wanted);
    }
  });
})();
