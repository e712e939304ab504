import { hideBin } from 'yargs/helpers';
import { main } from './main';

process.exitCode = await main(hideBin(process.argv));
