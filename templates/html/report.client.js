/* global document, window, Blob, Response, DecompressionStream */
// sgaudit report page: draws the findings held in #sgaudit-data (gzipped JSON in base64), a page at a time, and the
// findings behind a top risk when it is opened. Every value is assigned with textContent; nothing
// from the data is ever parsed as HTML.
(function () {
  'use strict';

  // The data is gzip in base64 (embedData in src/report/html-data.ts).
  function readData() {
    const text = window.atob(document.getElementById('sgaudit-data').textContent.trim());
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).json();
  }

  function start(data) {
    const S = data.strings;
    const SEVERITIES = data.severities;
    // Positions in a finding row: ROW in src/report/html-data.ts. Trailing absent values (-1) are left off.
    const ID = 0, CLASS = 1, RID = 2, RNAME = 3, MSG = 4, DETAIL = 5, WIT = 6, ADDR = 7, BREADTH = 8, INST = 9, INAME = 10, CAUSES = 11, SUPP = 12, SUBJECT = 13;
    // Positions in a class: severity, then check, title, resource type, remediation, docs, account, region.
    // The remediation and docs are shown once per check, in the checks table; here they are searched.
    const C_SEV = 0, C_CHECK = 1, C_TITLE = 2, C_TYPE = 3, C_FIX = 4, C_ACCOUNT = 6, C_REGION = 7;
    const ROLE_LABEL = { decides: 'decides', passed: 'evaluated first', covers: 'covers', subject: 'subject', context: 'context' };
    const MORE_STEP = 50;
    // RISK_FIELDS in src/report/html-data.ts.
    const RISK_FIELDS = ['key', 'severity', 'ruleRef', 'ruleRest', 'exposes', 'exposesAll', 'breadth', 'internet', 'interfaces', 'instances', 'fix', 'ruleFull', 'scope', 'sources', 'findings'];
    const byId = (id) => document.getElementById(id);
    const at = (row, position) => (position < row.length ? row[position] : -1);
    const str = (index) => (index >= 0 ? S[index] : '');
    const classOf = (row) => data.classes[row[CLASS]];
    const severityOf = (row) => classOf(row)[C_SEV];
    const checkOf = (row) => S[classOf(row)[C_CHECK]];
    const typeOf = (row) => S[classOf(row)[C_TYPE]];
    const addressesOf = (row) => (at(row, ADDR) === -1 ? [] : row[ADDR]);
    const causesOf = (row) => {
      const value = at(row, CAUSES);
      return value === -1 ? [] : typeof value === 'number' ? [value] : value;
    };

    function el(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    // The message template leaves out the finding's own values, listed as ownValues in html-data.ts does.
    function ownValues(row) {
      const traffic = lineOf(row, 'Traffic');
      const slash = traffic.indexOf('/');
      const groups = new Set();
      const rules = new Set();
      for (const e of witnessRows(row)) {
        groups.add(S[data.evidence[e][1]]);
        rules.add(S[data.evidence[e][3]]);
      }
      const values = [S[row[RID]], str(at(row, RNAME)), str(at(row, INST)), str(at(row, INAME)), slash < 0 ? '' : traffic.slice(slash + 1), lineOf(row, 'Sources')];
      return values.concat([...groups], [...rules], addressesOf(row)).slice(0, 31);
    }

    function messageOf(row) {
      const message = row[MSG];
      if (typeof message === 'string') return message;
      const template = S[message];
      // eslint-disable-next-line no-control-regex -- the placeholders are control characters on purpose
      if (!/[\u0001-\u001f]/.test(template)) return template;
      const values = ownValues(row);
      // eslint-disable-next-line no-control-regex -- the placeholders are control characters on purpose
      return template.replace(/[\u0001-\u001f]/g, (char) => values[char.charCodeAt(0) - 1]);
    }

    function detailPairs(row) {
      const index = at(row, DETAIL);
      const flat = index === -1 ? [] : data.details[index];
      const pairs = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([S[flat[i]], S[flat[i + 1]]]);
      return pairs;
    }

    function lineOf(row, label) {
      for (const pair of detailPairs(row)) if (pair[0] === label) return pair[1];
      return '';
    }

    const witnessRows = (row) => (at(row, WIT) === -1 ? [] : data.witnesses[row[WIT]]);
    const breadthOf = (row) => (at(row, BREADTH) === -1 ? null : data.breadths[row[BREADTH]].map((i) => S[i]));
    // Positions in a root cause: severity, breadth, group id and rule id (or key and -1), group name, shape, exposes, fix.
    function causeLabel(index) {
      const [, , first, second, name, shape, exposes] = data.causes[index];
      const ref = second === -1 ? S[first] : S[first] + '/' + S[second];
      return ref + (name === -1 ? '' : ' (' + S[name] + ')') + ' · ' + S[shape] + (S[exposes] ? ' · exposes ' + S[exposes] : '');
    }
    // EXPOSURE_CHECKS in src/report/sections.ts: their findings always show a breadth, if only to say it was not recorded.
    const isExposure = (row) => checkOf(row) === 'public-exposure' || checkOf(row) === 'latent-exposure';

    const stringIndex = new Map();
    S.forEach((value, index) => {
      if (!stringIndex.has(value)) stringIndex.set(value, index);
    });
    const refOf = (value) => (stringIndex.has(value) ? stringIndex.get(value) : -2);

    // Free-text search looks at everything a reader sees; built on first use only.
    const haystacks = new WeakMap();
    function haystack(row) {
      let text = haystacks.get(row);
      if (text === undefined) {
        const c = classOf(row);
        const parts = [row[ID], S[c[C_CHECK]], S[c[C_TITLE]], S[c[C_TYPE]], S[c[C_FIX]], S[c[C_ACCOUNT]], S[c[C_REGION]], messageOf(row), S[row[RID]], str(at(row, RNAME)), str(at(row, INST)), str(at(row, INAME))];
        for (const pair of detailPairs(row)) parts.push(pair[1]);
        parts.push(addressesOf(row).join(' '));
        const breadth = breadthOf(row);
        if (breadth) parts.push(breadth[1]);
        for (const cause of causesOf(row)) parts.push(causeLabel(cause));
        for (const e of witnessRows(row)) for (const cell of data.evidence[e]) parts.push(S[cell]);
        if (at(row, SUPP) !== -1) for (const cell of data.suppressions[row[SUPP]]) parts.push(S[cell]);
        text = parts.join('\n').toLowerCase();
        haystacks.set(row, text);
      }
      return text;
    }

    const filters = { severity: -1, check: -1, account: -1, region: -1, text: '' };

    function matches(row) {
      const c = classOf(row);
      if (filters.severity >= 0 && c[C_SEV] !== filters.severity) return false;
      if (filters.check !== -1 && c[C_CHECK] !== filters.check) return false;
      if (filters.account !== -1 && c[C_ACCOUNT] !== filters.account) return false;
      if (filters.region !== -1 && c[C_REGION] !== filters.region) return false;
      if (filters.text && !haystack(row).includes(filters.text)) return false;
      return true;
    }

    // Entries that name only a group (the groups of an interface with too many): cells 3… are empty.
    const groupOnly = (index) => data.evidence[index].slice(3).every((cell) => S[cell] === '');

    function groupsTable(rows) {
      const table = el('table', 'groups');
      const head = el('tr');
      head.appendChild(el('th', null, 'Group'));
      head.appendChild(el('th', null, 'Group name'));
      table.appendChild(el('thead')).appendChild(head);
      const body = el('tbody');
      for (const index of rows) {
        const tr = el('tr');
        tr.appendChild(el('td', null, S[data.evidence[index][1]]));
        tr.appendChild(el('td', null, S[data.evidence[index][2]]));
        body.appendChild(tr);
      }
      table.appendChild(body);
      return table;
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

    function breadthTag(row) {
      const breadth = breadthOf(row);
      if (breadth) return el('span', 'tag breadth breadth-' + breadth[0], 'breadth: ' + breadth[0]);
      return isExposure(row) ? el('span', 'tag breadth', 'breadth: not recorded') : null;
    }

    function findingNode(row) {
      const c = classOf(row);
      const severity = SEVERITIES[c[C_SEV]];
      const node = el('article', 'finding sev-' + severity);
      node.dataset.severity = severity;
      node.dataset.check = S[c[C_CHECK]];
      node.dataset.id = row[ID];
      const header = el('header');
      header.appendChild(el('span', 'badge sev-' + severity, severity));
      // The check's fix and docs are in its row of the checks table, once, not under every finding.
      const title = el('a', 'title', S[c[C_TITLE]]);
      title.href = '#check-' + S[c[C_CHECK]];
      title.title = 'How to fix: ' + S[c[C_CHECK]] + ' in the checks table';
      header.appendChild(title);
      const tag = breadthTag(row);
      if (tag) header.appendChild(tag);
      header.appendChild(el('code', 'fid', row[ID]));
      node.appendChild(header);
      node.appendChild(el('p', 'message', messageOf(row)));
      const lines = [];
      // A recorded breadth is the header's tag, and its summary the Sources line (html-data.ts).
      if (!breadthOf(row) && isExposure(row)) lines.push(['Breadth', 'not recorded in this document']);
      for (const pair of detailPairs(row)) lines.push(pair);
      const addresses = addressesOf(row);
      if (addresses.length) lines.push(['Addresses', addresses.join(', ')]);
      if (at(row, INST) !== -1) lines.push(['Instance', S[row[INST]] + (at(row, INAME) === -1 ? '' : ' (' + S[row[INAME]] + ')')]);
      const causes = causesOf(row);
      if (causes.length) lines.push([causes.length === 1 ? 'Root cause' : 'Root causes', causes.map(causeLabel).join('; ')]);
      if (lines.length) {
        const dl = el('dl', 'detail');
        for (const pair of lines) {
          dl.appendChild(el('dt', null, pair[0]));
          dl.appendChild(el('dd', null, pair[1]));
        }
        node.appendChild(dl);
      }
      if (at(row, SUPP) !== -1) {
        const [reason, owner, expires, matchedBy] = data.suppressions[row[SUPP]].map((i) => S[i]);
        node.appendChild(el('p', 'suppression', 'Suppressed: ' + reason + ' — owner ' + owner + ', expires ' + expires + ' (matched by ' + matchedBy + ')'));
      }
      const witnesses = witnessRows(row);
      if (witnesses.length) {
        const details = el('details', 'witness');
        details.open = true;
        if (witnesses.every(groupOnly)) {
          details.appendChild(el('summary', null, 'Security groups: ' + witnesses.length));
          details.appendChild(groupsTable(witnesses));
        } else {
          details.appendChild(el('summary', null, 'Evidence: ' + witnesses.length + (witnesses.length === 1 ? ' rule' : ' rules')));
          details.appendChild(evidenceTable(witnesses));
        }
        node.appendChild(details);
      }
      return node;
    }

    // Draws `items` into `target` MORE_STEP at a time, behind a button placed after it.
    function inSteps(target, items, draw, noun) {
      let shown = 0;
      const button = el('button', 'more');
      button.type = 'button';
      const next = () => {
        const end = Math.min(items.length, shown + MORE_STEP);
        for (; shown < end; shown++) draw(items[shown]);
        if (shown >= items.length) button.remove();
        else button.textContent = 'Show ' + Math.min(MORE_STEP, items.length - shown) + ' more ' + noun + ' (' + (items.length - shown) + ' not shown)';
      };
      button.addEventListener('click', next);
      target.after(button);
      next();
    }

    function resourceHeading(row) {
      const c = classOf(row);
      const name = at(row, RNAME) === -1 ? '' : ' (' + S[row[RNAME]] + ')';
      return S[c[C_TYPE]] + ' ' + S[row[RID]] + name + ' · ' + S[c[C_ACCOUNT]] + ' / ' + S[c[C_REGION]];
    }

    // Block headings of the flat lists: a root cause for exposure, the check for the others, and
    // for drift the kind of change (its findings' title).
    function exposureBlock(row) {
      const causes = causesOf(row);
      if (causes.length) return { key: 'c' + causes[0], cause: causes[0] };
      return { key: 'k' + checkOf(row), check: checkOf(row), note: ' — no root cause recorded' };
    }
    function checkBlock(row) {
      const check = checkOf(row);
      if (check !== 'drift') return { key: 'k' + check, check, note: '' };
      const kind = lineOf(row, 'Kind');
      return { key: 'd' + kind, check, kind, title: S[classOf(row)[C_TITLE]], note: '' };
    }

    function blockHeading(block, count) {
      const heading = el('h4');
      if (block.cause !== undefined) {
        const [severity, breadth] = data.causes[block.cause];
        heading.appendChild(el('span', 'badge sev-' + SEVERITIES[severity], SEVERITIES[severity]));
        heading.appendChild(document.createTextNode(' Root cause: ' + causeLabel(block.cause) + (breadth === -1 ? '' : ' · ' + S[breadth]) + ' (' + count + ')'));
      } else if (block.kind !== undefined) {
        heading.textContent = block.check + ': ' + block.kind + ' — ' + block.title + ' (' + count + ')';
      } else {
        const meta = data.checks[block.check];
        heading.textContent = block.check + (meta ? ' — ' + meta.title : '') + block.note + ' (' + count + ')';
      }
      return heading;
    }

    // A root cause's fix, once above the findings it explains.
    function blockFix(block) {
      return block.cause === undefined ? null : el('p', 'block-fix', 'Fix: ' + S[data.causes[block.cause][7]]);
    }

    function drawFlatPage(list, rows) {
      const fragment = document.createDocumentFragment();
      let section = null;
      let resourceGroup = null;
      let lastBlock = '';
      let lastResource = '';
      for (const row of rows) {
        const block = list.blockOf(row);
        if (block.key !== lastBlock) {
          lastBlock = block.key;
          lastResource = '';
          section = el('section', 'group-block');
          section.dataset.block = block.key;
          section.appendChild(blockHeading(block, list.blockCounts.get(block.key)));
          const fix = blockFix(block);
          if (fix) section.appendChild(fix);
          fragment.appendChild(section);
        }
        const c = classOf(row);
        const resourceKey = c[C_ACCOUNT] + '/' + c[C_REGION] + '/' + c[C_TYPE] + '/' + row[RID];
        if (resourceKey !== lastResource) {
          lastResource = resourceKey;
          resourceGroup = el('div', 'resource-group');
          resourceGroup.appendChild(el('h5', null, resourceHeading(row)));
          section.appendChild(resourceGroup);
        }
        resourceGroup.appendChild(findingNode(row));
      }
      return fragment;
    }

    function subjectHeading(subject) {
      const scope = data.scopes[subject[3]];
      return S[subject[0]] + ' ' + S[subject[1]] + (subject[2] === -1 ? '' : ' (' + S[subject[2]] + ')') + ' · ' + S[scope[0]] + ' / ' + S[scope[1]];
    }

    // One collapsed row per security group; its findings are drawn when it is opened.
    function hygieneNode(unit) {
      const details = el('details', 'hygiene-group');
      details.dataset.subject = S[data.subjects[unit.subject][1]];
      const summary = el('summary');
      let worst = SEVERITIES.length;
      const perCheck = new Map();
      for (const row of unit.rows) {
        worst = Math.min(worst, severityOf(row));
        perCheck.set(checkOf(row), (perCheck.get(checkOf(row)) || 0) + 1);
      }
      summary.appendChild(el('span', 'badge sev-' + SEVERITIES[worst], SEVERITIES[worst]));
      summary.appendChild(el('span', 'subject', subjectHeading(data.subjects[unit.subject])));
      const parts = [];
      for (const [check, count] of perCheck) parts.push(check + ' ' + count);
      summary.appendChild(el('span', 'counts', unit.rows.length + (unit.rows.length === 1 ? ' finding: ' : ' findings: ') + parts.join(' · ')));
      details.appendChild(summary);
      const body = el('div', 'group-findings');
      details.appendChild(body);
      details.addEventListener('toggle', () => {
        if (!details.open || body.dataset.drawn) return;
        body.dataset.drawn = 'true';
        const target = el('div');
        body.appendChild(target);
        inSteps(target, unit.rows, (row) => target.appendChild(findingNode(row)), 'findings');
      });
      return details;
    }

    function createList(name, rows, options) {
      const list = { name, rows, matched: [], units: [], page: 0, blockCounts: new Map(), blockOf: options.blockOf, grouped: options.grouped };
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

    const pageCount = (list) => Math.max(1, Math.ceil(list.units.length / data.pageSize));

    function prepare(list) {
      list.matched = list.rows.filter(matches);
      list.page = 0;
      if (list.grouped) {
        // Rows arrive grouped (html-data.ts sorts them by subject), so a group is a run of rows.
        const units = [];
        for (const row of list.matched) {
          const last = units[units.length - 1];
          if (last && last.subject === row[SUBJECT]) last.rows.push(row);
          else units.push({ subject: row[SUBJECT], rows: [row] });
        }
        list.units = units;
      } else {
        list.units = list.matched;
        list.blockCounts = new Map();
        for (const row of list.matched) {
          const key = list.blockOf(row).key;
          list.blockCounts.set(key, (list.blockCounts.get(key) || 0) + 1);
        }
      }
    }

    function render(list, scroll) {
      const container = byId(list.name + '-list');
      const start = list.page * data.pageSize;
      const slice = list.units.slice(start, start + data.pageSize);
      if (list.grouped) {
        const fragment = document.createDocumentFragment();
        for (const unit of slice) fragment.appendChild(hygieneNode(unit));
        container.replaceChildren(fragment);
      } else {
        container.replaceChildren(drawFlatPage(list, slice));
      }
      const total = list.rows.length;
      const shown = list.matched.length;
      const range = (start + 1) + '–' + (start + slice.length);
      byId(list.name + '-status').textContent =
        shown === 0
          ? total === 0
            ? 'No findings.'
            : 'No findings match the filters (' + total + ' in total).'
          : list.grouped
            ? 'Showing groups ' + range + ' of ' + list.units.length + ', holding ' + shown + ' matching findings' + (shown === total ? '' : ' (' + total + ' in total)') + '.'
            : 'Showing ' + range + ' of ' + shown + ' matching' + (shown === total ? '' : ' (' + total + ' in total)') + '.';
      byId(list.name + '-page').textContent = 'Page ' + (list.page + 1) + ' of ' + pageCount(list);
      byId(list.name + '-prev').disabled = list.page === 0;
      byId(list.name + '-next').disabled = list.page >= pageCount(list) - 1;
      byId(list.name + '-pager').hidden = list.units.length <= data.pageSize;
      if (scroll) container.scrollIntoView({ block: 'start' });
    }

    // A drift report has no exposure or hygiene list: all its findings are changes.
    const lists = [
      ['exposure', { blockOf: exposureBlock }],
      ['hygiene', { grouped: true }],
      ['other', { blockOf: checkBlock }],
      ['suppressed', { blockOf: checkBlock }],
    ]
      .filter(([name]) => byId(name + '-list'))
      .map(([name, options]) => createList(name, data.lists[name], options));

    function apply() {
      for (const list of lists) {
        prepare(list);
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

    // The checks table is folded away; a link to one of its rows opens it first. A link of the
    // accounts table filters the findings to its account.
    document.addEventListener('click', (event) => {
      if (event.target.closest('a[href^="#check-"]')) byId('checks').open = true;
      const account = event.target.closest('a[data-account]');
      if (account) {
        byId('filter-account').value = account.getAttribute('data-account');
        readFilters();
      }
    });

    for (const id of ['filter-severity', 'filter-check', 'filter-account', 'filter-region']) byId(id).addEventListener('change', readFilters);
    let typing = 0;
    byId('filter-text').addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(readFilters, 150);
    });
    byId('filters').addEventListener('submit', (event) => event.preventDefault());
    byId('filters').addEventListener('reset', () => window.setTimeout(readFilters, 0));

    // Findings of each root cause, across all lists; indexed when the first top risk is opened.
    let byCause = null;
    function findingsOfCause(cause) {
      if (!byCause) {
        byCause = new Map();
        for (const list of lists) {
          for (const row of list.rows) {
            for (const index of causesOf(row)) {
              if (!byCause.has(index)) byCause.set(index, []);
              byCause.get(index).push(row);
            }
          }
        }
      }
      return byCause.get(cause) || [];
    }

    const INTERFACE_COLUMNS = ['Severity', 'Resource', 'Instance', 'Addresses', 'Traffic', 'Breadth', 'Finding'];

    function interfaceRow(row) {
      const tr = el('tr');
      const severity = el('td');
      severity.appendChild(el('span', 'badge sev-' + SEVERITIES[severityOf(row)], SEVERITIES[severityOf(row)]));
      if (at(row, SUPP) !== -1) severity.appendChild(el('span', 'tag', 'suppressed'));
      tr.appendChild(severity);
      tr.appendChild(el('td', null, typeOf(row) + ' ' + S[row[RID]] + (at(row, RNAME) === -1 ? '' : ' (' + S[row[RNAME]] + ')')));
      tr.appendChild(el('td', null, at(row, INST) === -1 ? '' : S[row[INST]] + (at(row, INAME) === -1 ? '' : ' (' + S[row[INAME]] + ')')));
      tr.appendChild(el('td', null, addressesOf(row).join(', ')));
      tr.appendChild(el('td', null, lineOf(row, 'Traffic')));
      const breadth = breadthOf(row);
      tr.appendChild(el('td', null, breadth ? breadth[1] : ''));
      tr.appendChild(el('td', null, row[ID]));
      return tr;
    }

    // A top risk's interfaces, one table per distinct witness list: a rule usually has one witness
    // list for all the interfaces it exposes, so the witness rules are shown once, above them.
    function drawCause(container, cause) {
      const rows = findingsOfCause(cause);
      const byWitness = new Map();
      for (const row of rows) {
        const key = at(row, WIT);
        if (!byWitness.has(key)) byWitness.set(key, []);
        byWitness.get(key).push(row);
      }
      container.appendChild(el('p', 'hint', rows.length + (rows.length === 1 ? ' finding' : ' findings') + ', ' + byWitness.size + (byWitness.size === 1 ? ' set' : ' sets') + ' of witness rules.'));
      const blocks = el('div');
      container.appendChild(blocks);
      inSteps(
        blocks,
        [...byWitness.entries()],
        ([witness, members]) => {
          const block = el('div', 'witness-block');
          block.appendChild(el('h5', null, 'Witness rules for ' + members.length + (members.length === 1 ? ' finding' : ' findings')));
          if (witness !== -1) block.appendChild(evidenceTable(data.witnesses[witness]));
          const table = el('table', 'interfaces');
          const head = el('tr');
          for (const column of INTERFACE_COLUMNS) head.appendChild(el('th', null, column));
          table.appendChild(el('thead')).appendChild(head);
          const body = el('tbody');
          table.appendChild(body);
          block.appendChild(table);
          blocks.appendChild(block);
          inSteps(table, members, (row) => body.appendChild(interfaceRow(row)), 'findings');
        },
        'witness sets',
      );
    }

    function expandable(details) {
      details.addEventListener('toggle', () => {
        const container = details.querySelector('.risk-findings');
        if (!details.open || container.dataset.drawn) return;
        container.dataset.drawn = 'true';
        drawCause(container, Number(details.dataset.rc));
      });
    }
    document.querySelectorAll('#top-risks details.risk').forEach(expandable);

    // Rows after the first screen: copies of the server's row template, filled with RISK_FIELDS.
    const moreRisks = document.querySelector('#top-risks details.more-risks');
    if (moreRisks) {
      const first = Number(moreRisks.querySelector('ol').start) - 1;
      moreRisks.addEventListener('toggle', () => {
        const list = moreRisks.querySelector('ol');
        if (!moreRisks.open || list.childElementCount > 0) return;
        const template = byId('risk-template');
        data.risks.forEach((cells, offset) => {
          const fields = {};
          RISK_FIELDS.forEach((name, column) => (fields[name] = S[cells[column]]));
          const item = template.content.firstElementChild.cloneNode(true);
          const details = item.querySelector('details.risk');
          details.dataset.rc = String(first + offset);
          details.dataset.key = fields.key;
          details.dataset.severity = fields.severity;
          for (const node of item.querySelectorAll('[data-field]')) node.textContent = fields[node.dataset.field];
          item.querySelector('.badge').classList.add('sev-' + fields.severity);
          for (const cell of item.querySelectorAll('summary .cell')) cell.title = cell.textContent;
          expandable(details);
          list.appendChild(item);
        });
      });
    }

    apply();
  }

  // Through a promise, so that a browser without DecompressionStream lands in the message below.
  Promise.resolve()
    .then(readData)
    .then(
      (data) => {
        start(data);
        document.body.dataset.ready = 'true';
        // Lets benchmarks read the time to interactive from the page's own clock.
        window.performance.mark('sgaudit-ready');
      },
      (error) => {
        const problem = document.getElementById('data-problem');
        problem.textContent = 'The findings could not be unpacked in this browser (' + error + '). The CSV, JSON and SARIF reports hold the same findings.';
        problem.hidden = false;
      },
    );
})();
