using Quickstart;
using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// Builds the generated FashionResNet, runs one batch through it and prints its cost.
torch.manual_seed(0);
using var model = new FashionResNet();
using var images = randn(8, 1, 28, 28);
using var logits = model.forward(images);
Console.WriteLine($"FashionResNet: {FashionResNet.Macs:N0} MACs, {FashionResNet.ParameterCount:N0} parameters; logits {string.Join("x", logits.shape)}");
