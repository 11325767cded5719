// Progressive enhancement: the page reads the same without it. A filter box above each long
// table, and sorting by a column header (click, Enter or Space).
(() => {
  const key = (row, col) => {
    const cell = row.cells[col];
    return cell ? cell.dataset.sort ?? cell.textContent.trim() : '';
  };
  const compare = (x, y) => {
    if (x !== '' && y !== '' && !isNaN(x) && !isNaN(y)) return x - y;
    return x.localeCompare(y, undefined, {numeric: true});
  };
  for (const table of document.querySelectorAll('table[data-sortable]')) {
    const body = table.tBodies[0];
    const input = document.createElement('input');
    input.type = 'search';
    input.className = 'filter';
    input.placeholder = 'Filter rows';
    input.setAttribute('aria-label', 'Filter: ' + table.caption.textContent);
    table.parentElement.before(input);
    input.addEventListener('input', () => {
      const q = input.value.toLowerCase();
      for (const row of body.rows) {
        row.hidden = q !== '' && !row.textContent.toLowerCase().includes(q);
      }
    });
    const heads = [...table.tHead.rows[0].cells];
    heads.forEach((th, col) => {
      th.tabIndex = 0;
      th.classList.add('sortable');
      const sort = () => {
        const up = th.getAttribute('aria-sort') !== 'ascending';
        for (const h of heads) h.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
        const rows = [...body.rows];
        rows.sort((a, b) => (up ? 1 : -1) * compare(key(a, col), key(b, col)));
        const moved = document.createDocumentFragment();
        for (const row of rows) moved.append(row);
        body.append(moved);
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sort();
        }
      });
    });
  }
})();
