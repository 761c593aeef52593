using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Spectre.Console;

namespace Dsl.Runtime.Training;

/// <summary>Shows training progress: a live bar on a terminal, a line per epoch in logs.</summary>
public abstract class ProgressReporter : IDisposable
{
    public static ProgressReporter Create(ProgressMode mode, TextWriter output)
    {
        var live = mode == ProgressMode.Live || (mode == ProgressMode.Auto && !Console.IsOutputRedirected && output == Console.Out);
        return mode == ProgressMode.Silent ? new Silent() : live ? new LiveBar() : new Lines(output);
    }

    public abstract void StartEpoch(int epoch, int epochs, int steps);

    public abstract void Step(int done, double loss, double imagesPerSecond);

    public abstract void EndEpoch(EpochResult result, int epochs);

    public virtual void Dispose()
    {
    }

    internal static string Describe(EpochResult r, int epochs) =>
        string.Format(CultureInfo.InvariantCulture,
            "epoch {0}/{1}: train loss {2:F4}, test loss {3:F4}, top-1 {4:P2}{5}, {6:F1} s, {7:F0} images/s, lr {8:G3}",
            r.Epoch + 1, epochs, r.TrainLoss, r.TestLoss, r.Top1,
            r.Top5 is { } t5 ? string.Format(CultureInfo.InvariantCulture, ", top-5 {0:P2}", t5) : "",
            r.Seconds, r.ImagesPerSecond, r.LearningRate);

    private sealed class Silent : ProgressReporter
    {
        public override void StartEpoch(int epoch, int epochs, int steps)
        {
        }

        public override void Step(int done, double loss, double imagesPerSecond)
        {
        }

        public override void EndEpoch(EpochResult result, int epochs)
        {
        }
    }

    private sealed class Lines(TextWriter output) : ProgressReporter
    {
        public override void StartEpoch(int epoch, int epochs, int steps)
        {
        }

        public override void Step(int done, double loss, double imagesPerSecond)
        {
        }

        public override void EndEpoch(EpochResult result, int epochs) => output.WriteLine(Describe(result, epochs));
    }

    /// <summary>Spectre.Console's live progress, run on its own thread while the loop feeds it.</summary>
    private sealed class LiveBar : ProgressReporter
    {
        private readonly object _gate = new();
        private Task? _render;
        private ProgressTask? _task;
        private string _label = "";
        private readonly ManualResetEventSlim _ready = new();
        private readonly ManualResetEventSlim _epochDone = new();

        public override void StartEpoch(int epoch, int epochs, int steps)
        {
            _ready.Reset();
            _epochDone.Reset();
            _label = $"epoch {epoch + 1}/{epochs}";
            _render = Task.Run(() => AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    lock (_gate) _task = ctx.AddTask(_label, maxValue: steps);
                    _ready.Set();
                    _epochDone.Wait();
                }));
            _ready.Wait();
        }

        public override void Step(int done, double loss, double imagesPerSecond)
        {
            lock (_gate)
            {
                if (_task == null) return;
                _task.Value = done;
                _task.Description = string.Format(CultureInfo.InvariantCulture, "{0} · loss {1:F4} · {2:F0} img/s", _label, loss, imagesPerSecond);
            }
        }

        public override void EndEpoch(EpochResult result, int epochs)
        {
            _epochDone.Set();
            _render?.Wait();
            AnsiConsole.MarkupLine(Markup.Escape(Describe(result, epochs)));
        }

        public override void Dispose()
        {
            _epochDone.Set();
            _render?.Wait();
            _ready.Dispose();
            _epochDone.Dispose();
        }
    }
}
