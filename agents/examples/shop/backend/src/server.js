import { createServer } from "node:http";
import { handleProducts } from "./routes/products.js";

const port = Number(process.env.PORT ?? 3000);

export const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
    return;
  }
  if (req.url?.startsWith("/api/products")) {
    handleProducts(req, res);
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "not found" }));
});

if (process.argv[1]?.endsWith("server.js")) {
  server.listen(port, () => console.log(`shop backend on http://localhost:${port}`));
}
