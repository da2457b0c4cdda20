"""HTTP adapters: FastAPI routers, one per resource, and the app factory that serves them."""
