import { ProductList } from "./components/ProductList";

export function App() {
  return (
    <main>
      <h1>Shop</h1>
      <ProductList />
    </main>
  );
}
