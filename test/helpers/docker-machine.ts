import { join } from 'node:path';

/** test/fixtures/docker-machine/bin/docker-machine: replays docker-machine's recorded output. */
export const FAKE_DOCKER_MACHINE_BIN = join(process.cwd(), 'test', 'fixtures', 'docker-machine', 'bin');

/** What `lab machine ls --provider docker-machine` prints for the recorded `docker-machine ls`. */
export const LS_AS_LAB_PRINTS = [
  'NAME   ACTIVE   DRIVER       STATE     URL                         DOCKER   ERRORS',
  'dev    -        virtualbox   Stopped',
  'foo0   -        virtualbox   Running   tcp://192.168.99.105:2376   v1.9.1',
  'foo1   -        virtualbox   Running   tcp://192.168.99.106:2376   v1.9.1',
  'foo2   *        virtualbox   Running   tcp://192.168.99.107:2376   v1.9.1',
  `provider: docker-machine (the docker-machine CLI at ${join(FAKE_DOCKER_MACHINE_BIN, 'docker-machine')}: a VM or cloud host per machine, made by its driver)`,
];
