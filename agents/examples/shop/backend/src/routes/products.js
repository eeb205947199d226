const PRODUCTS = [
  { id: "1", name: "Enamel mug", priceCents: 1200 },
  { id: "2", name: "Linen tea towel", priceCents: 900 },
];

export function findProduct(id) {
  return PRODUCTS.find((product) => product.id === id) ?? null;
}

export function handleProducts(req, res) {
  const id = req.url.split("/")[3];
  const body = id ? findProduct(id) : PRODUCTS;
  res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
  res.end(JSON.stringify(body ?? { error: "product not found" }));
}
