using System;
using System.Diagnostics;
using Dsl.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>EDSR's training recipe at laptop scale: L1 loss on random patch pairs (flips and rotations), Adam, a cosine learning rate.</summary>
static class Training
{
    public static double Fit(nn.Module<Tensor, Tensor> model, SuperResolutionData data, int steps, int batch, int patch)
    {
        const double rate = 5e-4;
        using var optimizer = optim.Adam(model.parameters(), lr: rate);
        using var generator = new Generator(0);
        model.train();
        var clock = Stopwatch.StartNew();
        double loss = 0;
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var lr = rate * 0.5 * (1 + Math.Cos(Math.PI * (step - 1) / steps));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            var (low, high) = data.RandomPatches(batch, patch, generator);
            optimizer.zero_grad();
            var l1 = nn.functional.l1_loss(model.forward(low), high);
            l1.backward();
            optimizer.step();
            loss += l1.item<float>();
            if (step % 250 == 0 || step == steps)
            {
                var done = clock.Elapsed.TotalSeconds;
                Console.WriteLine($"step {step}/{steps}: L1 {loss / (step % 250 == 0 ? 250 : step % 250):0.00000}, lr {lr:0.0e0}, {step * batch / done:0.0} patches/s");
                loss = 0;
            }
        }
        return clock.Elapsed.TotalSeconds;
    }
}
