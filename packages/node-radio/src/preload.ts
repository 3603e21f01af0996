/**
 * `node --require @proxsense/node-radio/preload app.js`: the unmodified noble/bleno in `app.js` run on
 * virtual controllers (PROXSENSE_VIRTUAL_HCI_DEVICES of them, default 2, all on one air on the wall clock).
 * @module
 */
import { SeededRandom } from '@proxsense/core';
import { Air } from './air/air.js';
import { WallClockScheduler } from './clock/wallClockScheduler.js';
import { virtualHciHub } from './virtual/hub.js';
import { installVirtualHciSocket } from './virtual/install.js';

installVirtualHciSocket();
const hub = virtualHciHub();
if (hub.size === 0) {
  const air = new Air({
    scheduler: new WallClockScheduler(),
    random: new SeededRandom(Number(process.env.PROXSENSE_VIRTUAL_SEED ?? 1)),
  });
  const count = Number(process.env.PROXSENSE_VIRTUAL_HCI_DEVICES ?? 2);
  for (let i = 0; i < count; i++)
    hub.add(air.addController({ name: `hci${i}`, positionM: { x: i, y: 0 } }));
}
