// Vite's client types: the side-effect `import './styles.css'` in main.tsx resolves to a module that
// Vite bundles (TypeScript 6+ checks side-effect imports, noUncheckedSideEffectImports).
/// <reference types="vite/client" />
