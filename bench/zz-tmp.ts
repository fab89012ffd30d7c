import { run } from './overview.bench';
void run();
