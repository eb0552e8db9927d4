import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Absolute path of a host log copied from real machines into test/fixtures/hosts. */
export function hostFixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/hosts/${name}`, import.meta.url))
}

export function readHostFixture(name: string): string {
  return readFileSync(hostFixturePath(name), 'utf8')
}
