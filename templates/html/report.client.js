/* global document, window, URL */
// sgaudit report page: renders the findings held as JSON in #sgaudit-data, one page at a time.
// Every value is assigned with textContent; nothing from the data is ever parsed as HTML.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('sgaudit-data').textContent);
  const S = data.strings;
  const SEVERITIES = data.severities;
  const ROLE_LABEL = { decides: 'decides', passed: 'evaluated first', covers: 'covers', subject: 'subject', context: 'context' };
  const byId = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeHttpUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
      return null;
    }
  }

  const stringIndex = new Map();
  S.forEach((value, index) => {
    if (!stringIndex.has(value)) stringIndex.set(value, index);
  });
  const refOf = (value) => (stringIndex.has(value) ? stringIndex.get(value) : -2);

  // Free-text search looks at everything a reader sees; built on first use only.
  function haystack(f) {
    if (f.h === undefined) {
      const parts = [f.i, S[f.c], S[f.t], f.m, S[f.a], S[f.r], S[f.k], f.ri, f.rn === undefined ? '' : S[f.rn], S[f.x]];
      for (const pair of f.d) parts.push(S[pair[1]]);
      for (const e of f.e) for (const cell of data.evidence[e]) parts.push(S[cell]);
      if (f.z !== undefined) for (const cell of data.suppressions[f.z]) parts.push(S[cell]);
      f.h = parts.join('\n').toLowerCase();
    }
    return f.h;
  }

  const filters = { severity: -1, check: -1, account: -1, region: -1, text: '' };

  function matches(f) {
    if (filters.severity >= 0 && f.s !== filters.severity) return false;
    if (filters.check !== -1 && f.c !== filters.check) return false;
    if (filters.account !== -1 && f.a !== filters.account) return false;
    if (filters.region !== -1 && f.r !== filters.region) return false;
    if (filters.text && !haystack(f).includes(filters.text)) return false;
    return true;
  }

  function evidenceTable(rows) {
    const table = el('table', 'evidence');
    const head = el('thead');
    head.appendChild(byId('evidence-head').content.cloneNode(true));
    table.appendChild(head);
    const body = el('tbody');
    for (const index of rows) {
      const tr = el('tr');
      data.evidence[index].forEach((cell, column) => {
        tr.appendChild(el('td', null, column === 0 ? ROLE_LABEL[S[cell]] || S[cell] : S[cell]));
      });
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }

  function findingNode(f) {
    const severity = SEVERITIES[f.s];
    const node = el('article', 'finding sev-' + severity);
    node.dataset.severity = severity;
    node.dataset.check = S[f.c];
    node.dataset.id = f.i;
    const header = el('header');
    header.appendChild(el('span', 'badge sev-' + severity, severity));
    header.appendChild(el('span', 'title', S[f.t]));
    header.appendChild(el('code', 'fid', f.i));
    node.appendChild(header);
    node.appendChild(el('p', 'message', f.m));
    if (f.d.length) {
      const dl = el('dl', 'detail');
      for (const pair of f.d) {
        dl.appendChild(el('dt', null, S[pair[0]]));
        dl.appendChild(el('dd', null, S[pair[1]]));
      }
      node.appendChild(dl);
    }
    if (f.z !== undefined) {
      const [reason, owner, expires, matchedBy] = data.suppressions[f.z].map((i) => S[i]);
      node.appendChild(el('p', 'suppression', 'Suppressed: ' + reason + ' — owner ' + owner + ', expires ' + expires + ' (matched by ' + matchedBy + ')'));
    }
    if (f.e.length) {
      const details = el('details', 'witness');
      details.open = true;
      details.appendChild(el('summary', null, 'Evidence: ' + f.e.length + (f.e.length === 1 ? ' rule' : ' rules')));
      details.appendChild(evidenceTable(f.e));
      node.appendChild(details);
    }
    node.appendChild(el('p', 'remediation', 'Remediation: ' + S[f.x]));
    if (f.u >= 0) {
      const docs = el('p', 'docs', 'Docs: ');
      const href = safeHttpUrl(S[f.u]);
      if (href) {
        const link = el('a', null, S[f.u]);
        link.href = href;
        link.rel = 'noopener noreferrer';
        docs.appendChild(link);
      } else {
        docs.appendChild(el('span', null, S[f.u]));
      }
      node.appendChild(docs);
    }
    return node;
  }

  function createList(name, findings) {
    const list = { name, findings, matched: [], page: 0 };
    byId(name + '-prev').addEventListener('click', () => {
      list.page = Math.max(0, list.page - 1);
      render(list, true);
    });
    byId(name + '-next').addEventListener('click', () => {
      list.page = Math.min(pageCount(list) - 1, list.page + 1);
      render(list, true);
    });
    return list;
  }

  const pageCount = (list) => Math.max(1, Math.ceil(list.matched.length / data.pageSize));

  function render(list, scroll) {
    const container = byId(list.name + '-list');
    const start = list.page * data.pageSize;
    const slice = list.matched.slice(start, start + data.pageSize);
    const perCheck = new Map();
    for (const f of list.matched) perCheck.set(f.c, (perCheck.get(f.c) || 0) + 1);
    const fragment = document.createDocumentFragment();
    let checkSection = null;
    let resourceGroup = null;
    let lastCheck = -1;
    let lastResource = '';
    for (const f of slice) {
      if (f.c !== lastCheck) {
        lastCheck = f.c;
        lastResource = '';
        checkSection = el('section', 'check-group');
        checkSection.dataset.check = S[f.c];
        const meta = data.checks[S[f.c]];
        checkSection.appendChild(el('h3', null, S[f.c] + (meta ? ' — ' + meta.title : '') + ' (' + perCheck.get(f.c) + ')'));
        fragment.appendChild(checkSection);
      }
      const resourceKey = f.a + '/' + f.r + '/' + f.k + '/' + f.ri;
      if (resourceKey !== lastResource) {
        lastResource = resourceKey;
        resourceGroup = el('div', 'resource-group');
        const name = f.rn === undefined ? '' : ' (' + S[f.rn] + ')';
        resourceGroup.appendChild(el('h4', null, S[f.k] + ' ' + f.ri + name + ' · ' + S[f.a] + ' / ' + S[f.r]));
        checkSection.appendChild(resourceGroup);
      }
      resourceGroup.appendChild(findingNode(f));
    }
    container.replaceChildren(fragment);
    const total = list.findings.length;
    const shown = list.matched.length;
    byId(list.name + '-status').textContent =
      shown === 0
        ? total === 0
          ? 'No findings.'
          : 'No findings match the filters (' + total + ' in total).'
        : 'Showing ' + (start + 1) + '–' + (start + slice.length) + ' of ' + shown + ' matching' + (shown === total ? '' : ' (' + total + ' in total)') + '.';
    byId(list.name + '-page').textContent = 'Page ' + (list.page + 1) + ' of ' + pageCount(list);
    byId(list.name + '-prev').disabled = list.page === 0;
    byId(list.name + '-next').disabled = list.page >= pageCount(list) - 1;
    byId(list.name + '-pager').hidden = shown <= data.pageSize;
    if (scroll) container.scrollIntoView({ block: 'start' });
  }

  const lists = [createList('active', data.active), createList('suppressed', data.suppressed)];

  function apply() {
    for (const list of lists) {
      list.matched = list.findings.filter(matches);
      list.page = 0;
      render(list, false);
    }
  }

  function readFilters() {
    filters.severity = SEVERITIES.indexOf(byId('filter-severity').value);
    const ref = (id) => (byId(id).value === '' ? -1 : refOf(byId(id).value));
    filters.check = ref('filter-check');
    filters.account = ref('filter-account');
    filters.region = ref('filter-region');
    filters.text = byId('filter-text').value.trim().toLowerCase();
    apply();
  }

  for (const id of ['filter-severity', 'filter-check', 'filter-account', 'filter-region']) byId(id).addEventListener('change', readFilters);
  let typing = 0;
  byId('filter-text').addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(readFilters, 150);
  });
  byId('filters').addEventListener('submit', (event) => event.preventDefault());
  byId('filters').addEventListener('reset', () => window.setTimeout(readFilters, 0));

  apply();
  document.body.dataset.ready = 'true';
  // Lets benchmarks read the time to interactive from the page's own clock.
  window.performance.mark('sgaudit-ready');
})();
