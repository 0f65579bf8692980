/** Vite turns every `*.module.css` into an object of its (hashed) class names. */
declare module '*.module.css' {
  const classes: { readonly [name: string]: string };
  export default classes;
}
