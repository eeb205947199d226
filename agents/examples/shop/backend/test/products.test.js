import assert from "node:assert/strict";
import { test } from "node:test";
import { findProduct } from "../src/routes/products.js";

test("finds a product by id", () => {
  assert.equal(findProduct("1").name, "Enamel mug");
});

test("returns null for an unknown id", () => {
  assert.equal(findProduct("missing"), null);
});
