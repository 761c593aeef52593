using Dsl.Runtime.Dynamic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>A model declared with @dynamic: one supernet that runs at each of its widths, and restores images patch by patch at routed widths.</summary>
public interface IDynamic
{
    DynamicState Dynamic { get; }
}

/// <summary><c>model.Width = 0.5</c> on any @dynamic model.</summary>
public static class DynamicModels
{
    extension(IDynamic model)
    {
        /// <summary>The width the model runs at; setting one it was not built for throws, naming those it was.</summary>
        public double Width
        {
            get => model.Dynamic.Width;
            set => model.Dynamic.Use((nn.Module)model, value);
        }
    }
}
