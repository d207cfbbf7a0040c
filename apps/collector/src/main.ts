import 'reflect-metadata';
import { runHttpService } from '@recsys/platform';
import { collectorService } from './service';

void runHttpService(collectorService);
