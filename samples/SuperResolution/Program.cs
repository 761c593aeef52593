using SuperResolution;
using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// Builds the generated EDSR-baseline ×2 and upscales a random 48×48 patch.
using var model = new EdsrBaseline();
using var lr = rand(1, 3, 48, 48);
using var sr = model.forward(lr);
Console.WriteLine($"EdsrBaseline: {EdsrBaseline.ParameterCount:N0} parameters; {string.Join("x", lr.shape)} -> {string.Join("x", sr.shape)}");
