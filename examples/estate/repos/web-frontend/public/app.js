/* eslint-disable -- the example estate's application code, not Shipshape's */
fetch('/api/inventory/items')
  .then((response) => response.json())
  .then((items) => {
    document.getElementById('app').textContent = `${items.length} items in stock`;
  });
