import { useEffect, useState } from "react";

type Product = { id: string; name: string; priceCents: number };

export function ProductList() {
  const [products, setProducts] = useState<Product[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch("/api/products")
      .then((response) => response.json())
      .then(setProducts)
      .catch(() => setError("Could not load products."));
  }, []);

  if (error) return <p role="alert">{error}</p>;
  if (!products) return <p>Loading...</p>;
  return (
    <ul>
      {products.map((product) => (
        <li key={product.id}>
          {product.name} - {(product.priceCents / 100).toFixed(2)}
        </li>
      ))}
    </ul>
  );
}
