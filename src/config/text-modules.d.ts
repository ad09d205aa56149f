/** `ot3c.yaml.example` is embedded into the binary as text (`import … with { type: "text" }`). */
declare module "*.example" {
  const text: string;
  export default text;
}
