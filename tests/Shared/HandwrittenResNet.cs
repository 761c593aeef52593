using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Shared;

/// <summary>FashionResNet as a TorchSharp user would write it by hand.</summary>
public sealed class HandwrittenResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stemNorm;
    private readonly Block block1;
    private readonly Block block2;
    private readonly Block block3;
    private readonly Linear fc;

    public HandwrittenResNet() : base("HandwrittenResNet")
    {
        stem = nn.Conv2d(1, 32, 3, padding: 1);
        stemNorm = nn.BatchNorm2d(32);
        block1 = new Block(32, 32, 1);
        block2 = new Block(32, 32, 1);
        block3 = new Block(32, 64, 2);
        fc = nn.Linear(64, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = nn.functional.relu(stemNorm.forward(stem.forward(x)));
        h = block3.forward(block2.forward(block1.forward(h)));
        return fc.forward(nn.functional.adaptive_avg_pool2d(h, 1).flatten(1));
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Conv2d shortcut;
        private readonly BatchNorm2d shortcutNorm;

        public Block(long input, long channels, long stride) : base("Block")
        {
            conv1 = nn.Conv2d(input, channels, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(channels);
            conv2 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(channels);
            shortcut = nn.Conv2d(input, channels, 1, stride: stride, bias: false);
            shortcutNorm = nn.BatchNorm2d(channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = bn2.forward(conv2.forward(nn.functional.relu(bn1.forward(conv1.forward(x)))));
            return nn.functional.relu(y + shortcutNorm.forward(shortcut.forward(x)));
        }
    }
}
