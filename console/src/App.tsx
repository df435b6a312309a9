import { RouterProvider, createBrowserRouter } from "react-router-dom";
import { AuthProvider } from "./session/AuthProvider";
import { ToastProvider } from "./ui";
import { routes } from "./routes";

// Base path: the platform serves the console under /console (vite.config.ts `base`).
const router = createBrowserRouter(routes, { basename: "/console" });

export function App() {
  return (
    <ToastProvider>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </ToastProvider>
  );
}
