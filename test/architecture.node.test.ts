import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layers of src/, lowest first. A folder may import from its own folder and from any lower
 * layer, never from its own layer's other folders or from above; so no two folders depend on
 * each other, however indirectly.
 */
const layers = [
  ["crypto", "time"],
  ["base"],
  ["providers"],
  ["auth", "users"],
  ["appointments"],
  ["video", "audit"],
  ["rooms", "reminders"],
  ["lifecycle"],
  ["webhooks"],
  ["http"],
  ["index.ts"],
];

/** Bindings are used where needed; every other setting is read by the config module alone. */
const bindings = new Set(["DB", "ROOMS", "REMINDERS_QUEUE", "ASSETS"]);

const sourceFiles = (readdirSync("src", { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts"))
  .map((file) => join("src", file));
const folderOf = (file: string) => relative("src", file).split("/")[0]!;
const layerOf = (folder: string) => layers.findIndex((layer) => layer.includes(folder));

function crossFolderImports(): Array<{ from: string; to: string; file: string }> {
  return sourceFiles.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].flatMap(([, specifier]) => {
      const to = folderOf(normalize(join(dirname(file), specifier!)));
      return to === folderOf(file) ? [] : [{ from: folderOf(file), to, file }];
    }),
  );
}

describe("the layering of src/", () => {
  it("places every folder in a layer", () => {
    expect(sourceFiles.map(folderOf).filter((folder) => layerOf(folder) === -1)).toEqual([]);
  });

  it("imports only downward", () => {
    const imports = crossFolderImports();
    expect(imports.length).toBeGreaterThan(50);
    const upward = imports.filter(({ from, to }) => layerOf(to) >= layerOf(from)).map(({ file, to }) => `${file} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it("reads settings from env only in the config module and the entry points", () => {
    const reads = sourceFiles
      .filter((file) => file !== join("src", "base", "config.ts"))
      .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map(([, name]) => `${file}: ${name}`))
      .filter((read) => !bindings.has(read.split(": ")[1]!));
    expect(reads).toEqual([]);
  });
});
