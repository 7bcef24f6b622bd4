import CNerveKernels

extension LayerSpec {
    /// The window as the C loops of convolution and pooling read it (pooling has valid padding: no pad).
    var geometry: nerve_window_geometry {
        let w = window
        return nerve_window_geometry(
            channels: Int64(input.channels), height: Int64(input.height), width: Int64(input.width),
            window_height: Int64(w.height), window_width: Int64(w.width),
            stride_height: Int64(w.strideHeight), stride_width: Int64(w.strideWidth),
            pad_top: Int64(Window.leadingPad(input.height, window: w.height, stride: w.strideHeight, padding: w.padding)),
            pad_left: Int64(Window.leadingPad(input.width, window: w.width, stride: w.strideWidth, padding: w.padding)),
            out_height: Int64(output.height), out_width: Int64(output.width))
    }
}
