using VisionTransformer;
using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// Builds the generated DeiT-S and lists a few of its state-dict keys (timm's layout).
using var model = new DeiTSmall();
foreach (var (name, p) in model.named_parameters().Take(8)) Console.WriteLine($"{name,-32} {string.Join("x", p.shape)}");
Console.WriteLine($"DeiTSmall: {DeiTSmall.Macs / 1e9:F3} GMACs, {DeiTSmall.ParameterCount / 1e6:F2} M parameters");
