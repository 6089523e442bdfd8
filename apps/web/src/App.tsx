import { Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { AdminAccounts } from './admin/Accounts.tsx';
import { AdminCategories } from './admin/Categories.tsx';
import { AdminOrders } from './admin/Orders.tsx';
import { AdminProducts } from './admin/Products.tsx';
import { AdminStats } from './admin/Stats.tsx';
import { AdminUsers } from './admin/Users.tsx';
import { useCart } from './cart.tsx';
import { Notice, PageTitle } from './components/feedback.tsx';
import { Account } from './pages/Account.tsx';
import { Cart } from './pages/Cart.tsx';
import { Catalog } from './pages/Catalog.tsx';
import { MyOrders, OrderPage } from './pages/Orders.tsx';
import { ProductDetail } from './pages/ProductDetail.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { useSession } from './session.tsx';

export function App() {
  const { me, isAdmin, signOut } = useSession();
  const cart = useCart();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          shop-rpc
        </Link>
        {/* Shop links first, then the signed-in user's and the cart with its count badge, then sign-in or
            sign-out last. */}
        <nav aria-label="Main">
          <NavLink to="/" end>
            Catalog
          </NavLink>
          {me && <NavLink to="/orders">My orders</NavLink>}
          {me && <NavLink to="/account">My account</NavLink>}
          <NavLink to="/cart" aria-label={`Cart, ${cart.count} ${cart.count === 1 ? 'item' : 'items'}`}>
            Cart{' '}
            <span className="badge" data-testid="cart-count">
              {cart.count}
            </span>
          </NavLink>
          {isAdmin && <NavLink to="/admin/users">Admin</NavLink>}
          {me ? (
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out ({me.username})
            </button>
          ) : (
            <NavLink to="/sign-in">Sign in</NavLink>
          )}
        </nav>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<Catalog />} />
          <Route path="/products/:id" element={<ProductDetail />} />
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/cart" element={<Cart />} />
          <Route
            path="/orders"
            element={
              <SignedIn>
                <MyOrders />
              </SignedIn>
            }
          />
          <Route
            path="/orders/:id"
            element={
              <SignedIn>
                <OrderPage />
              </SignedIn>
            }
          />
          <Route
            path="/admin/orders"
            element={
              <AdminOnly>
                <AdminOrders />
              </AdminOnly>
            }
          />
          <Route
            path="/admin/accounts"
            element={
              <AdminOnly>
                <AdminAccounts />
              </AdminOnly>
            }
          />
          <Route
            path="/account"
            element={
              <SignedIn>
                <Account />
              </SignedIn>
            }
          />
          <Route
            path="/admin/users"
            element={
              <AdminOnly>
                <AdminUsers />
              </AdminOnly>
            }
          />
          <Route
            path="/admin/categories"
            element={
              <AdminOnly>
                <AdminCategories />
              </AdminOnly>
            }
          />
          <Route
            path="/admin/products"
            element={
              <AdminOnly>
                <AdminProducts />
              </AdminOnly>
            }
          />
          <Route
            path="/admin/stats"
            element={
              <AdminOnly>
                <AdminStats />
              </AdminOnly>
            }
          />
          <Route
            path="*"
            element={
              <>
                <PageTitle>Page not found</PageTitle>
                <Notice tone="error">
                  Page not found. <Link to="/">Back to the catalog</Link>
                </Notice>
              </>
            }
          />
        </Routes>
      </main>
    </>
  );
}

/** Pages for signed-in users: anyone else goes to the sign-in page, and comes back after signing in. */
function SignedIn({ children }: { children: React.ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <p aria-busy="true">Loading…</p>;
  if (!me) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  return children;
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  const { isAdmin } = useSession();
  return (
    <SignedIn>
      {isAdmin ? (
        <>
          <nav aria-label="Admin" className="subnav">
            <NavLink to="/admin/users">Users</NavLink>
            <NavLink to="/admin/categories">Categories</NavLink>
            <NavLink to="/admin/products">Products</NavLink>
            <NavLink to="/admin/orders">Orders</NavLink>
            <NavLink to="/admin/accounts">Top-ups</NavLink>
            <NavLink to="/admin/stats">Statistics</NavLink>
          </nav>
          {children}
        </>
      ) : (
        <>
          <PageTitle>Admin only</PageTitle>
          <Notice tone="error">Admin only: your account cannot open this page.</Notice>
        </>
      )}
    </SignedIn>
  );
}
