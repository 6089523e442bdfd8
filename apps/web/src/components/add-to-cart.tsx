// "Add to cart" beside a product's price: how many (never more than are left), and a word once added.
import { useState } from 'react';
import { Link } from 'react-router';
import { useCart } from '../cart.tsx';
import type { Product } from '../trpc.ts';

export function AddToCart({ product, compact = false }: { product: Product; compact?: boolean }) {
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const inCart = cart.lines.find((line) => line.productId === product.id)?.quantity ?? 0;
  if (product.stock === 0) return null;
  const left = product.stock - inCart;
  const add = () => {
    cart.add({ productId: product.id, name: product.name, price: product.price, stock: product.stock }, quantity);
    setAdded(true);
  };
  return (
    <div className="add-to-cart">
      {!compact && (
        <label>
          Quantity{' '}
          <input
            type="number"
            min={1}
            max={Math.max(left, 1)}
            value={quantity}
            onChange={(e) => setQuantity(Math.max(1, Math.min(Number(e.target.value) || 1, Math.max(left, 1))))}
          />
        </label>
      )}
      <button type="button" onClick={add} disabled={left <= 0} aria-label={`Add ${product.name} to the cart`}>
        {left <= 0 ? 'All in your cart' : 'Add to cart'}
      </button>
      {added && (
        <span role="status" className="muted">
          In your cart: {inCart}. <Link to="/cart">View cart</Link>
        </span>
      )}
    </div>
  );
}
