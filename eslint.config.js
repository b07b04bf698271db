// Flat config with type-aware rules. lib/domain stays pure: no framework,
// database, network or clock imports.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".next*/**", "dist/**", "bench/results/**", ".data/**", "lib/generated/**", "test-output/**", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["*.js", "*.mjs"] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["lib/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["next", "next/*", "react", "react-dom"], message: "lib/domain is pure: no framework imports." },
          { group: ["@prisma/*", "@/lib/generated/*", "@/lib/db/*", "pg", "@electric-sql/*"], message: "lib/domain is pure: no database imports." },
          { group: ["node:*", "fs", "http", "https", "@/lib/clock", "@/lib/*", "!@/lib/domain/*"], message: "lib/domain is pure: no I/O; take `now` as an argument." },
        ],
      }],
      "no-restricted-globals": ["error", { name: "fetch", message: "lib/domain is pure: no I/O." }, { name: "process", message: "lib/domain is pure: no environment." }],
      "no-restricted-syntax": ["error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "lib/domain takes `now` as an argument." },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "lib/domain takes `now` as an argument." },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "lib/domain is deterministic." },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-redundant-type-constituents": "off",
    },
  },
  {
    // Plain ESM shared with tools that run without TypeScript (scripts/migrate.mjs): typed by their .d.mts, linted without types.
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", crypto: "readonly", SharedArrayBuffer: "readonly", Atomics: "readonly", Int32Array: "readonly", WebAssembly: "readonly" } },
  },
);
