using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>A model declared with @multibit: one network that runs at each of its declared bit-widths.</summary>
public interface IMultiBit
{
    MultiBitState MultiBit { get; }
}

/// <summary><c>model.BitWidth = 4</c> on any @multibit model.</summary>
public static class MultiBitModels
{
    extension(IMultiBit model)
    {
        /// <summary>The bit-width the model runs at; setting one it was not built for throws, naming those it was.</summary>
        public long BitWidth
        {
            get => model.MultiBit.BitWidth;
            set => model.MultiBit.Switch((nn.Module)model, value);
        }
    }
}
