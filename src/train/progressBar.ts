import cliProgress from "cli-progress";
import { formatEpochLine, type ProgressBarFactory } from "./progress.js";

/** A cli-progress bar per epoch, then the epoch's summary line (Node terminals). */
export const cliProgressBar: ProgressBarFactory = (stream, totalEpochs, formatLoss) => {
  let bar: cliProgress.SingleBar | undefined;
  let epochNo = 0;
  return {
    epochStart(epoch, stepsInEpoch) {
      epochNo = epoch;
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WriteStream,
          format: `epoch {epoch}/${totalEpochs} [{bar}] {value}/{total} | loss {loss}`,
          hideCursor: false,
          clearOnComplete: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(stepsInEpoch, 0, { epoch: epochNo, loss: "-" });
    },
    batch(batchInEpoch, loss) {
      bar?.update(batchInEpoch, { epoch: epochNo, loss: formatLoss(loss) });
    },
    epochEnd(record) {
      bar?.stop();
      bar = undefined;
      stream.write(formatEpochLine(record, totalEpochs) + "\n");
    },
    close() {
      bar?.stop();
      bar = undefined;
    },
  };
};
