using System;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Distributed;
using Dsl.Runtime.Training;
using Quickstart;
using TorchSharp;
using static TorchSharp.torch;

// Trains the generated FashionResNet on Fashion-MNIST and prints the summary table.
//   dotnet run -c Release                       the shipped 5,000-image subset (under 2 minutes on 2 cores)
//   dotnet run -c Release -- --full             the full set from Debian's dataset-fashion-mnist
//   options: --data DIR  --epochs N  --device auto|cpu|cuda  --checkpoint FILE
//   mpirun -n 2 dotnet bin/Release/net10.0/Quickstart.dll   the same training as 2 MPI ranks (docs/distributed.md)
var arguments = new ProgramArguments(args);
var full = arguments.Flag("--full") || Environment.GetEnvironmentVariable("CMODEL_FULL_DATA") == "1";
var epochs = arguments.Int("--epochs", full ? 15 : 5);

var folder = FashionMnist.Locate(arguments.String("--data"), full);
var (train, test) = FashionMnist.Load(folder);
// Under mpirun every rank runs this program; rank 0 alone speaks.
var main = Communicator.IsMainProcess;
if (main) Console.WriteLine($"Fashion-MNIST from {folder}: {train.Count:N0} training and {test.Count:N0} test images");

var options = new TrainerOptions
{
    Epochs = epochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: 3e-3, Decay: 0.05),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 0.3),
    Seed = 0,
    Device = arguments.String("--device") ?? "auto",
    CheckpointPath = arguments.String("--checkpoint"),
    // With several MPI ranks, BatchNorm sees the whole batch, so any number of ranks trains alike.
    SyncBatchNorm = true,
};
manual_seed(options.Seed);
using var model = new FashionResNet();
var trainLoader = new BatchLoader(train, batchSize: 128, shuffle: true, seed: options.Seed,
    augment: Augmentations.CropAndFlip(2));
var testLoader = new BatchLoader(test, batchSize: 500, shuffle: false);
var summary = new Trainer(options).Fit(model, trainLoader, testLoader);
if (main) summary.Print(Console.Out, terminal: !Console.IsOutputRedirected);
