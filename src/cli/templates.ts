/** Boilerplate written by `fnode init` and the Dockerfile `fnode build` generates. */

export const DEFAULT_BASE_IMAGE = 'fnode/node-base:20';

/** `--base-image`, else FNODE_BASE_IMAGE, else the locally built fnode/node-base:20. */
export function baseImage(flag: string | undefined): string {
  return flag ?? process.env['FNODE_BASE_IMAGE'] ?? DEFAULT_BASE_IMAGE;
}

export const HELLO_FUNC_JS = `const fdk = require('@fnproject/fdk');

fdk.handle((input) => {
  let name = 'World';
  if (input && input.name) {
    name = input.name;
  }
  console.log('Inside Node Hello World function');
  return { message: \`Hello \${name}\` };
});
`;

export function helloPackageJson(name: string): string {
  const pkg = {
    name,
    version: '1.0.0',
    description: 'example function',
    main: 'func.js',
    author: '',
    license: 'Apache-2.0',
    dependencies: { '@fnproject/fdk': '>=0.0.76' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** `node func.js` -> `["node","func.js"]`; Dockerfile exec form. */
function execForm(command: string): string {
  return JSON.stringify(command.trim().split(/\s+/));
}

/** The Dockerfile of a node function without its own: node_modules come from the host. */
export function nodeDockerfile(base: string, entrypoint: string, cmd?: string): string {
  return [
    `FROM ${base}`,
    'WORKDIR /function',
    'COPY . /function/',
    `ENTRYPOINT ${execForm(entrypoint)}`,
    ...(cmd ? [`CMD ${execForm(cmd)}`] : []),
    '',
  ].join('\n');
}

export const DOCKERIGNORE = ['.git', 'func.yaml', ''].join('\n');
